/* kstub/linux/types.h: a stand-in for the kernel header of that name, just
 * enough for the dmm.kernel_clean test to compile allocator/dmm without
 * any libc header (-nostdinc). Not a kernel header; declarations only. */
#ifndef KSTUB_LINUX_TYPES_H
#define KSTUB_LINUX_TYPES_H
typedef __SIZE_TYPE__ size_t;
typedef __UINTPTR_TYPE__ uintptr_t;
#define NULL ((void *)0)
#endif
