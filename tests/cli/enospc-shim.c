/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-test"

/* A full disk on demand, for the tests: preloaded into veil-cli (LD_PRELOAD) with
 * VEIL_TEST_ENOSPC_AFTER=N, writes to regular files succeed for N bytes in all, then fail with
 * ENOSPC the way a full file system fails them (the write that crosses the limit is cut short),
 * and so does every rename after that, as a full disk cannot grow a folder. Pipes and
 * terminals are left alone, so messages still get out. Plain libc: nothing here may depend on
 * what it intercepts being set up. */

#define _GNU_SOURCE

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static ssize_t (*real_write) (int fd, const void *data, size_t len);
static int (*real_rename) (const char *from, const char *to);
static int limited;
static long long left; /* bytes that still fit; atomic */

__attribute__ ((constructor)) static void
shim_init (void)
{
  const char *text = getenv ("VEIL_TEST_ENOSPC_AFTER");

  real_write = (ssize_t (*) (int, const void *, size_t)) dlsym (RTLD_NEXT, "write");
  real_rename = (int (*) (const char *, const char *)) dlsym (RTLD_NEXT, "rename");
  if (text != NULL)
    {
      limited = 1;
      left = strtoll (text, NULL, 10);
    }
}

static int
is_regular (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 && S_ISREG (st.st_mode);
}

ssize_t
write (int         fd,
       const void *data,
       size_t      len)
{
  long long before;

  if (!limited || len == 0 || !is_regular (fd))
    return real_write (fd, data, len);

  before = __atomic_fetch_sub (&left, (long long) len, __ATOMIC_SEQ_CST);
  if (before <= 0)
    {
      errno = ENOSPC;
      return -1;
    }
  if ((unsigned long long) before < len)
    return real_write (fd, data, (size_t) before);
  return real_write (fd, data, len);
}

int
rename (const char *from,
        const char *to)
{
  if (limited && __atomic_load_n (&left, __ATOMIC_SEQ_CST) <= 0)
    {
      errno = ENOSPC;
      return -1;
    }
  return real_rename (from, to);
}
