/*
 * Where the RISC-V loader and what it loads sit in the physical memory of QEMU's virt board.
 * scripts/sel4-run.sh places the two ELF files, unparsed, at the blob addresses (QEMU's generic
 * loader device, force-raw), and boots the loader itself as QEMU's -kernel, which OpenSBI enters
 * in S-mode. RAM starts at 0x80000000; OpenSBI keeps 0x80000000-0x80200000 and seL4's kernel
 * image starts at 0x80200000, so the root task is placed after the kernel and must end below
 * the loader. Everything here is free memory to seL4 once it runs.
 */
#pragma once

#define SB_LOADER_BASE 0x82000000UL       /* the loader's link address */
#define SB_LOADER_KERNEL_BLOB 0x83000000UL /* seL4's kernel.elf, as a file */
#define SB_LOADER_IMAGE_BLOB 0x84000000UL  /* the root-task image, as a file */
