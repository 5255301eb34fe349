/* kstub/linux/limits.h: stand-in for the dmm.kernel_clean test. */
#ifndef KSTUB_LINUX_LIMITS_H
#define KSTUB_LINUX_LIMITS_H
#define SIZE_MAX __SIZE_MAX__
#endif
