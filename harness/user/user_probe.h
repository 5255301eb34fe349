/*
 * user_probe.h: what user_build.c tries before any cell runs (user_probe.c).
 */
#ifndef FB_USER_PROBE_H
#define FB_USER_PROBE_H

#include "user.h"

#include <stddef.h>

/* Loads file in a throwaway child (its constructors run there, not here)
 * and checks that it defines each of syms (NULL-terminated) itself. 0, or
 * -1 with the reason in why. */
int fb_user_probe_dlopen(const char *file, const char *const *syms, char *why, size_t len);
/* u->path readable, u->file its full path, and preloaded it serves
 * malloc, free, realloc and calloc: 0, or -1 with the message given. */
int fb_user_check_so(fb_user *u);

#endif
