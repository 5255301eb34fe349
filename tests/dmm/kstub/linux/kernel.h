/* kstub/linux/kernel.h: stand-in for the dmm.kernel_clean test: printk
 * and snprintf as the kernel declares them. */
#ifndef KSTUB_LINUX_KERNEL_H
#define KSTUB_LINUX_KERNEL_H
#include <linux/types.h>
#define KERN_INFO "\0016"
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#endif
