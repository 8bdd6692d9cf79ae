/*
 * Common module linker script, preprocessed into scripts/module.lds and
 * used for every .ko (ld -r -T scripts/module.lds).
 */
SECTIONS {
	/DISCARD/ : {
		*(.discard)
		*(.discard.*)
		*(.exitcall.exit)
		*(.export_symbol)
	}

	/* the module's own exports (its .mod.c, see export-internal.h) */
	__ksymtab		0 : { *(SORT(___ksymtab+*)) }
	__ksymtab_gpl		0 : { *(SORT(___ksymtab_gpl+*)) }

	.modinfo		0 : { *(.modinfo) }
	.init.text		0 : { *(.init.text .init.text.*) }
	.exit.text		0 : { *(.exit.text .exit.text.*) }
	.gnu.linkonce.this_module 0 : { *(.gnu.linkonce.this_module) }
}
