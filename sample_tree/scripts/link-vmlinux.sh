#!/bin/sh
# Link vmlinux: vmlinux.a (whole archive), .vmlinux.export.o (vmlinux's export
# table, with CONFIG_MODULES), init/version-timestamp.o and the library
# archives, with the preprocessed linker script; then System.map.
#
# Called from scripts/Makefile.vmlinux as
#   link-vmlinux.sh "$(LD)" "$(KBUILD_LDFLAGS)" "$(LDFLAGS_vmlinux)"
# with the objtree as working directory.

set -e

LD="$1"
KBUILD_LDFLAGS="$2"
LDFLAGS_vmlinux="$3"

is_enabled() {
	grep -q "^$1=y" include/config/auto.conf
}

info() {
	printf "  %-7s %s\n" "${1}" "${2}"
}

case "${KBUILD_VERBOSE}" in
*1*)
	set -x
	;;
esac

# The version stamp changes on every link, so it is built here and not
# as a prerequisite of vmlinux.
${MAKE} -f "${srctree}/scripts/Makefile.build" obj=init init/version-timestamp.o

ldflags="${KBUILD_LDFLAGS} ${LDFLAGS_vmlinux} --script=${objtree}/${KBUILD_LDS}"
if is_enabled CONFIG_VMLINUX_MAP; then
	ldflags="${ldflags} -Map=vmlinux.map"
fi

objs=vmlinux.a
if is_enabled CONFIG_MODULES; then
	objs="${objs} .vmlinux.export.o"
fi
objs="${objs} init/version-timestamp.o"

info LD vmlinux
${LD} ${ldflags} -o vmlinux \
	--whole-archive ${objs} --no-whole-archive \
	--start-group ${KBUILD_VMLINUX_LIBS} --end-group

info NM System.map
${NM} -n vmlinux | grep -v ' [aNUw] ' > System.map

# For fixdep
echo "vmlinux: $0" > .vmlinux.d
