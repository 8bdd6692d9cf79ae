/*
 * Common module linker script, preprocessed into scripts/module.lds and
 * used for every .ko (ld -r -T scripts/module.lds).
 */
SECTIONS {
	/DISCARD/ : {
		*(.discard)
		*(.discard.*)
		*(.exitcall.exit)
	}

	.modinfo		0 : { *(.modinfo) }
	.init.text		0 : { *(.init.text .init.text.*) }
	.exit.text		0 : { *(.exit.text .exit.text.*) }
	.gnu.linkonce.this_module 0 : { *(.gnu.linkonce.this_module) }
}
