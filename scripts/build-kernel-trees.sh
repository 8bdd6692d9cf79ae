#!/usr/bin/env bash
# (Re)create the real Linux kbuild object trees that depgraph is tested against.
#
# Usage: scripts/build-kernel-trees.sh [DIR] [TREE...]
#   DIR    where the trees go (default: $DEPGRAPH_KERNELS, else /work/kernels); must be
#          outside the repository.  If the first argument is a tree name, DIR is defaulted.
#   TREE   any of: tiny (default), extmod, defconfig, intree, arm64, clang, v6.1
#
#   tiny      make O=DIR/tiny tinyconfig + MODULES, autofs4.ko (composite module:
#             fs/autofs/*.o) and dummy-irq.ko (single-file module: drivers/misc/dummy-irq.o);
#             default target (vmlinux, bzImage, modules).  ~2 minutes on 2 cores.
#   extmod    a small out-of-tree module in DIR/extmod (composite: main.o + helper.o, plus a
#             local header), built with make -C DIR/tiny M=DIR/extmod.  Needs tiny.
#   defconfig make O=DIR/defconfig defconfig && make -j2.  ~25 minutes on 2 cores.
#   intree    a copy of the source in DIR/intree, configured like tiny and built without O=
#             (all paths relative to the tree).  ~2 minutes plus the copy (1.5 GB).
#   arm64     make O=DIR/arm64 ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- (Debian's
#             gcc-aarch64-linux-gnu): tinyconfig + the modules of tiny + ARCH_VEXPRESS, so
#             that the device trees of arch/arm64/boot/dts/arm/ are built (dtbs, with
#             scripts/dtc/dtc), besides drivers/of/empty_root.dtb.o, the vDSO
#             (arch/arm64/kernel/vdso/, pulled in by vdso-wrap.o's .incbin) and Image.gz.
#             ~6 minutes.  Make knows the tree's ARCH and CROSS_COMPILE only when given
#             them: kernel_probe.py reads them from the tree.
#   clang     make O=DIR/clang LLVM=1 (Debian's clang, lld, llvm): x86_64 tinyconfig +
#             the modules of tiny.  ~4 minutes.
#   v6.1      Linux 6.1 (Debian's linux-source-6.1, unpacked to DIR/linux-6.1), make
#             O=DIR/v6.1: x86_64 tinyconfig + the modules of tiny (kbuild's older cmd_
#             layout; objtool built with its own fixdep in tools/).  ~4 minutes.
#
# The extra trees are built on demand only; defconfig is not built unless asked for.
# Test suites find the tree through DEPGRAPH_KERNEL_TREE (e.g. DIR/tiny).
#
# Idempotent: every step is skipped when its result already exists, except the final
# `make`, which is a cheap no-op on a complete tree.  Set JOBS to change -j (default 2).
set -euo pipefail

KVER=6.12
TREES_ALL="tiny extmod defconfig intree arm64 clang v6.1"

is_tree() { case " $TREES_ALL " in *" $1 "*) return 0 ;; esac; return 1; }

DIR=${DEPGRAPH_KERNELS:-/work/kernels}
if [[ $# -gt 0 ]] && ! is_tree "$1"; then
    # A bare word that is neither a tree name nor an existing directory is most likely a
    # misspelt tree name: refuse it rather than create a directory of that name.
    if [[ $1 != */* && ! -d $1 ]]; then
        echo "unknown tree: $1 (known: $TREES_ALL); give a directory as ./$1 or an absolute path" >&2
        exit 2
    fi
    DIR=$1
    shift
fi
TREES=("$@")
[[ ${#TREES[@]} -gt 0 ]] || TREES=(tiny)
for t in "${TREES[@]}"; do
    is_tree "$t" || { echo "unknown tree: $t (known: $TREES_ALL)" >&2; exit 2; }
done
JOBS=${JOBS:-2}

# Refuse to build inside a git work tree (the trees are huge and contain kernel source).
# Check the nearest existing ancestor before creating anything.
probe=$DIR
while [[ ! -d $probe ]]; do probe=$(dirname "$probe"); done
if git -C "$probe" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "$DIR is inside a git work tree; choose a directory outside the repository" >&2
    exit 2
fi
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd -P)
SRC=$DIR/linux-$KVER

log() { printf '==> %s\n' "$*" >&2; }

# --- packages -------------------------------------------------------------------------
PKGS=(linux-source-$KVER flex bison bc libelf-dev libssl-dev)
for t in "${TREES[@]}"; do
    case $t in
    arm64) PKGS+=(gcc-aarch64-linux-gnu) ;;
    clang) PKGS+=(clang lld llvm) ;;
    v6.1) PKGS+=(linux-source-6.1) ;;
    esac
done
missing=()
for p in "${PKGS[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
    log "installing ${missing[*]}"
    SUDO=
    [[ $(id -u) -eq 0 ]] || SUDO=sudo
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${PKGS[@]}"
fi

# --- source ---------------------------------------------------------------------------
# unpack_source VERSION: Debian's /usr/src/linux-source-VERSION.tar.xz to DIR/linux-VERSION
unpack_source() {
    local version=$1 src=$DIR/linux-$1 tarball=/usr/src/linux-source-$1.tar.xz
    [[ -f $src/Makefile ]] && return 0
    log "unpacking $tarball to $src"
    tmp=$(mktemp -d "$DIR/.unpack.XXXXXX")
    tar -C "$tmp" -xf "$tarball"
    # The Debian tarball unpacks to linux-source-VERSION/.
    mv "$tmp"/linux-source-"$version" "$src"
    rmdir "$tmp"
}
unpack_source "$KVER"

# Builds run without -s on purpose: arch/x86/boot/bzImage's command ends in ">/dev/null" under
# make -s (silent_redirect_image), so a silent build would make the next normal make
# rebuild bzImage for "command line change".
kmake() { make -C "$SRC" "$@"; }

# Configure OBJ (an objtree, or the source copy for an in-tree build) as "tiny".
# $1: objtree; $2: source tree whose scripts/config to use; remaining: make prefix args.
# TINY_ENABLE: more symbols to set to y (each must survive olddefconfig).
TINY_ENABLE=()
configure_tiny() {
    local obj=$1 src=$2
    shift 2
    if [[ -f $obj/.config ]] && grep -q '^CONFIG_AUTOFS_FS=m' "$obj/.config"; then
        return 0
    fi
    log "configuring $obj (tinyconfig + modules ${TINY_ENABLE[*]})"
    make -s "$@" tinyconfig
    local sym enable=()
    for sym in "${TINY_ENABLE[@]}"; do enable+=(--enable "$sym"); done
    "$src/scripts/config" --file "$obj/.config" \
        --enable MODULES \
        --enable MODULE_UNLOAD \
        --module AUTOFS_FS \
        --module DUMMY_IRQ \
        "${enable[@]}"
    make -s "$@" olddefconfig
    for sym in MODULES=y AUTOFS_FS=m DUMMY_IRQ=m "${TINY_ENABLE[@]/%/=y}"; do
        grep -q "^CONFIG_$sym\$" "$obj/.config" || {
            echo "CONFIG_$sym did not survive olddefconfig in $obj/.config" >&2
            exit 1
        }
    done
}

build_tiny() {
    local obj=$DIR/tiny
    mkdir -p "$obj"
    configure_tiny "$obj" "$SRC" -C "$SRC" O="$obj"
    log "building $obj"
    kmake O="$obj" -j"$JOBS"
}

build_extmod() {
    local m=$DIR/extmod
    [[ -f $DIR/tiny/Module.symvers ]] || build_tiny
    mkdir -p "$m"
    if [[ ! -f $m/Kbuild ]]; then
        log "writing $m"
        cat >"$m/Kbuild" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
obj-m += depgraph_extmod.o
depgraph_extmod-y := main.o helper.o
ccflags-y += -I$(src)/include
EOF
        cat >"$m/Makefile" <<'EOF'
# SPDX-License-Identifier: GPL-2.0
KDIR ?= ../tiny
default:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
EOF
        mkdir -p "$m/include"
        cat >"$m/include/extmod_helper.h" <<'EOF'
/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXTMOD_HELPER_H
#define EXTMOD_HELPER_H
#ifdef CONFIG_PRINTK
#define EXTMOD_GREETING "hello from depgraph extmod (printk)"
#else
#define EXTMOD_GREETING "hello from depgraph extmod"
#endif
int extmod_helper(int x);
#endif
EOF
        cat >"$m/main.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/init.h>
#include <linux/printk.h>
#include "extmod_helper.h"

#ifdef CONFIG_LOG_BUF_SHIFT
#define EXTMOD_SHIFT CONFIG_LOG_BUF_SHIFT
#else
#define EXTMOD_SHIFT 0
#endif

static int __init extmod_init(void)
{
	pr_info("%s %d\n", EXTMOD_GREETING, extmod_helper(EXTMOD_SHIFT));
	return 0;
}

static void __exit extmod_exit(void)
{
}

module_init(extmod_init);
module_exit(extmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("depgraph test module");
EOF
        cat >"$m/helper.c" <<'EOF'
// SPDX-License-Identifier: GPL-2.0
#include <linux/export.h>
#include <linux/module.h>
#include "extmod_helper.h"

int extmod_helper(int x)
{
	return x * 2;
}
EXPORT_SYMBOL_GPL(extmod_helper);
EOF
    fi
    log "building $m"
    make -C "$DIR/tiny" M="$m" -j"$JOBS" modules
}

build_defconfig() {
    local obj=$DIR/defconfig
    mkdir -p "$obj"
    if [[ ! -f $obj/.config ]]; then
        log "configuring $obj (defconfig)"
        kmake -s O="$obj" defconfig
    fi
    log "building $obj (this takes ~25 minutes on 2 cores)"
    kmake O="$obj" -j"$JOBS"
}

build_intree() {
    local src=$DIR/intree
    if [[ ! -f $src/Makefile ]]; then
        log "copying $SRC to $src"
        tmp=$(mktemp -d "$DIR/.intree.XXXXXX")
        cp -a "$SRC/." "$tmp/"
        mv "$tmp" "$src"
    fi
    configure_tiny "$src" "$src" -C "$src"
    log "building $src (in-tree)"
    make -C "$src" -j"$JOBS"
}

# A tree built with make variables of its own (ARCH, CROSS_COMPILE, LLVM): every make of
# it must be given them again.  $1: tree name; $2: source tree; remaining: the variables.
build_variant() {
    local obj=$DIR/$1 src=$2
    shift 2
    mkdir -p "$obj"
    configure_tiny "$obj" "$src" -C "$src" O="$obj" "$@"
    log "building $obj ($*)"
    make -C "$src" O="$obj" "$@" -j"$JOBS"
}

build_arm64() {
    TINY_ENABLE=(ARCH_VEXPRESS)
    build_variant arm64 "$SRC" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
    TINY_ENABLE=()
}

build_clang() {
    TINY_ENABLE=(64BIT)
    build_variant clang "$SRC" ARCH=x86_64 LLVM=1
    TINY_ENABLE=()
}

build_v6.1() {
    unpack_source 6.1
    TINY_ENABLE=(64BIT)
    build_variant v6.1 "$DIR/linux-6.1" ARCH=x86_64
    TINY_ENABLE=()
}

for t in "${TREES[@]}"; do
    "build_$t"
done
log "done: ${TREES[*]} in $DIR"
