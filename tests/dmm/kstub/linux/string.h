/* kstub/linux/string.h: stand-in for the dmm.kernel_clean test: the
 * string functions the kernel exports that the manager may use. */
#ifndef KSTUB_LINUX_STRING_H
#define KSTUB_LINUX_STRING_H
#include <linux/types.h>
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
#endif
