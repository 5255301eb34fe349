/* kstub/linux/vmalloc.h: stand-in for the dmm.kernel_clean test. */
#ifndef KSTUB_LINUX_VMALLOC_H
#define KSTUB_LINUX_VMALLOC_H
#include <linux/types.h>
void *vmalloc(unsigned long size);
void vfree(const void *addr);
#endif
