#!/usr/bin/env bash
# Boots a sel4bridge root-task image on an installed seL4 kernel in QEMU (x86_64 pc99, aarch64
# qemu-arm-virt or riscv64 qemu-riscv-virt: the install's own configuration says which), bounded
# in time; copies the serial console to stdout and a log file; exits with the image's status.
#
#   scripts/sel4-run.sh [--kernel KERNEL.elf] [--loader LOADER.elf] [--timing] [--timeout S]
#                       [--log FILE] [--results FILE] IMAGE.elf
#
# --kernel   seL4's kernel.elf (default: $SEL4_PREFIX/bin/kernel.elf)
# --loader   aarch64, riscv64: the project's loader (sel4-loader-<arch>.elf of the build;
#            default: the one beside IMAGE or in its parent folder)
# --timing   deterministic emulated time: QEMU counts instructions (-icount shift=0, one
#            instruction per virtual ns) instead of following the host clock. Not on a kernel
#            of more than one core (CONFIG_MAX_NUM_NODES > 1): there QEMU runs -smp N with one
#            host thread per core (multi-threaded TCG), which -icount excludes, and the clock
#            follows the host's (ignored with a note)
# --timeout  wall-clock bound in seconds (default 900); on expiry the status is 124
# --log      where the serial output goes (default: IMAGE.log next to the image)
# --results  a directory: the results document the image printed (the harness's markers) goes
#            to DIR/<run_id>.json and DIR/latest.json with the QEMU mode and the kernel's
#            configuration (from KERNEL's install, libsel4/include/kernel/gen_config.h)
#            recorded (harness/extract_results.py), and its HTML report beside it
#            (harness/report.py)
#
# Exit status: the image's (plat_exit), 124 on timeout, 125 when QEMU (or the results) failed.
set -euo pipefail

kernel="${SEL4_PREFIX:+$SEL4_PREFIX/bin/kernel.elf}"
loader=""
timing=0
timeout_s=900
log=""
results=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) kernel="$2"; shift 2 ;;
    --loader) loader="$2"; shift 2 ;;
    --timing) timing=1; shift ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --log) log="$2"; shift 2 ;;
    --results) results="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "sel4-run: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [options] IMAGE.elf (--help)" >&2; exit 2; }
image="$1"
[ -f "$image" ] || { echo "sel4-run: no image $image" >&2; exit 2; }
[ -n "$kernel" ] && [ -f "$kernel" ] || {
  echo "sel4-run: no seL4 kernel: pass --kernel or set SEL4_PREFIX to an seL4 install" >&2; exit 2; }
log="${log:-${image%.elf}.log}"
here=$(cd "$(dirname "$0")/.." && pwd)

# The install the kernel came from says what it is (its libsel4's gen_config.h).
install="$(dirname "$kernel")/.."
gen_config="$install/libsel4/include/kernel/gen_config.h"
arch=$(sed -n 's/^#define CONFIG_SEL4_ARCH  *\([a-z0-9_]*\).*/\1/p' "$gen_config" 2>/dev/null || true)
nodes=$(sed -n 's/^#define CONFIG_MAX_NUM_NODES  *\([0-9]*\).*/\1/p' "$gen_config" 2>/dev/null || true)
arch="${arch:-x86_64}" # an install without gen_config.h: the x86_64 kernel this script began with
qemu_bin="qemu-system-$arch"
command -v "$qemu_bin" >/dev/null || {
  case "$arch" in x86_64) pkg=qemu-system-x86 ;; aarch64) pkg=qemu-system-arm ;; *) pkg=qemu-system-misc ;; esac
  echo "sel4-run: $qemu_bin not found (Debian: apt-get install $pkg)" >&2; exit 2; }
if [ -z "$loader" ] && [ "$arch" != x86_64 ]; then
  for l in "$(dirname "$image")/sel4-loader-$arch.elf" "$(dirname "$image")/../sel4-loader-$arch.elf"; do
    [ -f "$l" ] && loader="$l" && break
  done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case "$arch" in
  x86_64)
    # QEMU's multiboot loader takes only 32-bit ELF kernels; seL4's x86_64 kernel.elf is ELF64.
    objcopy -O elf32-i386 "$kernel" "$tmp/kernel32.elf"
    # The CPU: a Nehalem with 1 GiB pages (seL4's KernelHugePage); TCG provides neither PCID
    # nor XSAVE, hence KernelSupportPCID=OFF and KernelFPU=FXSAVE in the kernel configuration.
    cpu_model="Nehalem,+pdpe1gb"
    machine=pc
    qemu=(qemu-system-x86_64 -machine pc -cpu "$cpu_model,enforce" -m 1G -smp 1
          -display none -monitor none -serial stdio -no-reboot
          -device isa-debug-exit,iobase=0xf4,iosize=0x04
          -kernel "$tmp/kernel32.elf" -initrd "$image")
    ;;
  riscv64)
    # OpenSBI (QEMU's default firmware) enters the project's loader in S-mode; QEMU's generic
    # loader device puts kernel.elf and the image, as files, where the loader looks for them
    # (kernel/sel4/loader/riscv64/layout.h). The board's RAM is what the kernel was built for:
    # the end of the memory in the install's platform_gen.json (RAM starts at 0x80000000).
    [ -n "$loader" ] && [ -f "$loader" ] || {
      echo "sel4-run: no loader: pass --loader (the build's sel4-loader-riscv64.elf)" >&2; exit 2; }
    layout="$here/kernel/sel4/loader/riscv64/layout.h"
    blob() { sed -n "s/^#define $1 \(0x[0-9a-fA-F]*\)UL.*/\1/p" "$layout"; }
    mem_mib=$(/usr/bin/python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["memory"]
print((max(r["end"] for r in m) - 0x80000000) >> 20)' "$install/support/platform_gen.json") || {
      echo "sel4-run: cannot read the memory map of $install/support/platform_gen.json" >&2; exit 2; }
    cpu_model="rv64"
    machine=virt
    qemu=(qemu-system-riscv64 -machine virt -cpu "$cpu_model" -m "$mem_mib" -smp "${nodes:-1}"
          -display none -monitor none -serial stdio -no-reboot -bios default
          -kernel "$loader"
          -device "loader,file=$kernel,addr=$(blob SB_LOADER_KERNEL_BLOB),force-raw=on"
          -device "loader,file=$image,addr=$(blob SB_LOADER_IMAGE_BLOB),force-raw=on")
    ;;
  aarch64)
    [ -n "$loader" ] && [ -f "$loader" ] || {
      echo "sel4-run: no loader: pass --loader (the build's sel4-loader-aarch64.elf)" >&2; exit 2; }
    # The board as seL4's qemu-arm-virt platform dumped its device tree: virt at EL1 (no secure
    # or virtualization extensions), GICv2, 1 GiB of RAM. QEMU's generic loader device puts the
    # two ELF files where the loader looks for them (kernel/sel4/loader/aarch64/loader.c).
    # Semihosting carries the image's exit (plat_exit), with userspace=on from EL0.
    layout="$here/kernel/sel4/loader/aarch64/loader.c"
    blob() { sed -n "s/^#define $1 \(0x[0-9a-fA-F]*\)UL.*/\1/p" "$layout"; }
    cpu_model=cortex-a57
    machine="virt,secure=off,virtualization=off,gic-version=2"
    qemu=(qemu-system-aarch64 -machine "$machine" -cpu "$cpu_model" -m 1G -smp "${nodes:-1}"
          -display none -monitor none -serial stdio -no-reboot
          -semihosting-config enable=on,target=native,userspace=on
          -kernel "$loader"
          -device "loader,file=$kernel,addr=$(blob KERNEL_FILE),force-raw=on"
          -device "loader,file=$image,addr=$(blob IMAGE_FILE),force-raw=on")
    ;;
  *)
    echo "sel4-run: $install is an $arch kernel; this script boots x86_64, aarch64 and riscv64" >&2
    exit 2 ;;
esac
if [ "${nodes:-1}" -gt 1 ]; then
  # More than one core: one host thread per emulated core (multi-threaded TCG), so that cores
  # really run at the same time. -icount needs single-threaded TCG (one core after another), in
  # which seL4 16.0.0's two-core boot on aarch64 did not get past its memory map within 40 s.
  qemu+=(-accel tcg,thread=multi)
  if [ "$timing" = 1 ]; then
    echo "sel4-run: $nodes cores: no -icount (multi-threaded TCG); timings follow the host clock" >&2
    timing=0
  fi
fi
if [ "$timing" = 1 ]; then
  qemu+=(-icount shift=0)
  mode="tcg-icount-shift0"
elif [ "${nodes:-1}" -gt 1 ]; then
  mode="tcg multi-threaded, -smp $nodes"
else
  mode="tcg"
fi
echo "sel4-run: $("$qemu_bin" --version | head -1); mode $mode; image $image" >&2

started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
set +e
# Line-buffered: the console and the log show a long run's progress as it is printed.
timeout --foreground -k 10 "$timeout_s" "${qemu[@]}" </dev/null | stdbuf -oL tr -d '\r' | tee "$log"
rc=${PIPESTATUS[0]}
set -e
# The image's exit (isa-debug-exit; riscv64: the test finisher; aarch64: semihosting's exit,
# each given the same value) ends QEMU with (value << 1) | 1; anything else is QEMU's own end.
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "sel4-run: timed out after ${timeout_s}s" >&2
  status=124
elif [ $((rc & 1)) = 1 ]; then
  status=$((rc >> 1))
else
  echo "sel4-run: QEMU ended without the image's exit (status $rc)" >&2
  status=125
fi

if [ -n "$results" ] && [ "$status" != 124 ] && [ "$status" != 125 ]; then
  # The harness's own tools: the document between its markers, with what only this side knows
  # (when, which emulated CPU, the QEMU mode, the booted kernel's configuration), then the HTML
  # report beside it.
  icount=()
  if [ "$timing" = 1 ]; then icount=(--qemu-icount "shift=0"); fi
  accel=tcg
  if [ "${nodes:-1}" -gt 1 ]; then accel="tcg,thread=multi (-smp $nodes)"; fi
  /usr/bin/python3 "$here/harness/extract_results.py" "$log" --out "$results" \
      --started-at "$started_at" --cpu "QEMU $cpu_model (TCG)" --qemu-accel "$accel" \
      "${icount[@]}" --qemu-machine "$machine" || status=125
  # The install the kernel came from says how it was configured (its libsel4's gen_config.h).
  if [ "$status" != 125 ]; then
    /usr/bin/python3 - "$results/latest.json" "$gen_config" "$kernel" <<'PY' || status=125
import json, os, re, sys
latest, gen_config, kernel = sys.argv[1:4]
doc = json.load(open(latest))
cfg = {}
if os.path.exists(gen_config):
    defs = dict(re.findall(r"^#define CONFIG_(\w+)\s+(.*?)\s*$", open(gen_config).read(), re.M))
    on = lambda name: name in defs  # seL4 leaves a boolean option that is off undefined
    cfg = {
        "KernelPlatform": defs.get("PLAT"), "KernelSel4Arch": defs.get("SEL4_ARCH"),
        "KernelIsMCS": on("KERNEL_MCS"), "KernelMaxNumNodes": int(defs.get("MAX_NUM_NODES", 1)),
        "KernelFastpath": on("FASTPATH"), "KernelDebugBuild": on("DEBUG_BUILD"),
        "KernelPrinting": on("PRINTING"), "KernelVerificationBuild": on("VERIFICATION_BUILD"),
        "KernelSkimWindow": on("KERNEL_SKIM_WINDOW"), "KernelSupportPCID": on("SUPPORT_PCID"),
        "KernelFPU": defs.get("KERNEL_X86_FPU"), "KernelFSGSBase": defs.get("KERNEL_FSGS_BASE"),
        "KernelX86MicroArch": defs.get("KERNEL_X86_MICRO_ARCH"),
        "KernelMaxNumBootinfoUntypedCaps": int(defs.get("MAX_NUM_BOOTINFO_UNTYPED_CAPS", 0)),
        "KernelRootCNodeSizeBits": int(defs.get("ROOT_CNODE_SIZE_BITS", 0)),
        "KernelTimerTickMS": int(defs.get("TIMER_TICK_MS", 0)),
        "KernelTimeSlice": int(defs.get("TIME_SLICE", 0)),
        "KernelArmHypervisorSupport": on("ARM_HYPERVISOR_SUPPORT"),
        "KernelArmExportVCNTUser": on("EXPORT_VCNT_USER"),
        "KernelArmExportPMUUser": on("EXPORT_PMU_USER"),
    }
    cfg["build"] = "debug" if cfg["KernelDebugBuild"] else "release"
else:
    print(f"sel4-run: {gen_config} not found: kernel configuration not recorded", file=sys.stderr)
cfg["kernel_elf"] = os.path.abspath(kernel)
doc["kernel_config"] = {**doc.get("kernel_config", {}), **cfg}
text = json.dumps(doc, indent=2) + "\n"
for path in (latest, os.path.join(os.path.dirname(latest), doc["run_id"] + ".json")):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
PY
  fi
  if [ "$status" != 125 ]; then
    /usr/bin/python3 "$here/harness/report.py" "$results/latest.json" >&2 || status=125
  fi
fi
echo "sel4-run: image status $status" >&2
exit "$status"
