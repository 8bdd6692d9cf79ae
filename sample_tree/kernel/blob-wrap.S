/*
 * kernel/blob-wrap.S - pulls blob.bin into vmlinux with .incbin, as arm64's
 * vdso-wrap.S pulls in vdso.so.  gcc's depfile of blob-wrap.o does not name
 * blob.bin: only the rule in kernel/Makefile does.
 */
	.section .rodata
	.globl	blob_start
blob_start:
	.incbin	"kernel/blob.bin"
	.globl	blob_end
blob_end:
