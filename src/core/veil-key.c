/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* renameat2() */
#define G_LOG_DOMAIN "veil-core"
#define _GNU_SOURCE /* memmem() */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "veil-confined.h"
#include "veil-error.h"
#include "veil-paths.h"
#include "veil-key.h"

#define KEY_GROUP "Veil Key"
G_STATIC_ASSERT (sizeof VEIL_KEY_FILE_MARKER == sizeof KEY_GROUP + 2);
#define KEY_FORMAT_VERSION 1
#define NAME_MAX_BYTES 255
/* A key file is a few hundred bytes; anything far larger is not one and is not read whole. */
#define KEY_FILE_MAX_BYTES (64 * 1024)
#define FINGERPRINT_BYTES 8

struct _VeilKey {
  gatomicrefcount  ref_count;
  char            *name;
  VeilKeyKind      kind;
  GDateTime       *created;
  guint32          seed;
  guint8           secret[VEIL_KEY_SECRET_LENGTH];
};

static void
wipe (void  *data,
      gsize  len)
{
  /* Through a volatile pointer so the stores survive even though the memory is freed next. */
  volatile guint8 *p = data;

  while (len-- > 0)
    *p++ = 0;
}

/* Frees a string that held secret material. */
static void
free_wiped (char *str)
{
  if (str == NULL)
    return;
  wipe (str, strlen (str));
  g_free (str);
}

gboolean
veil_key_check_name (const char  *name,
                     GError     **error)
{
  const char *p;

  if (name == NULL || *name == '\0')
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                           _("A key name cannot be empty"));
      return FALSE;
    }
  if (strlen (name) > NAME_MAX_BYTES)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                   _("A key name can be at most %d bytes long"), NAME_MAX_BYTES);
      return FALSE;
    }
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                           _("A key name must be valid UTF-8 text"));
      return FALSE;
    }
  for (p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/')
        {
          g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                               _("A key name cannot contain “/”"));
          return FALSE;
        }
      if (g_unichar_iscntrl (c))
        {
          g_set_error_literal (error, VEIL_ERROR, VEIL_ERROR_INVALID_ARGUMENT,
                               _("A key name cannot contain control characters"));
          return FALSE;
        }
    }
  return TRUE;
}

static VeilKey *
key_alloc (const char  *name,
           VeilKeyKind  kind,
           GDateTime   *created)
{
  VeilKey *key = g_new0 (VeilKey, 1);

  g_atomic_ref_count_init (&key->ref_count);
  key->name = g_strdup (name);
  key->kind = kind;
  key->created = created != NULL ? g_date_time_ref (created) : g_date_time_new_now_utc ();
  return key;
}

/* Fills @buf from the kernel's CSPRNG; getrandom may return short or be interrupted. */
static gboolean
fill_random (guint8  *buf,
             gsize    len,
             GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          wipe (buf, len);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                       _("The system could not provide random bytes for a new key: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

VeilKey *
veil_key_new_random (const char  *name,
                     GError     **error)
{
  guint8 secret[VEIL_KEY_SECRET_LENGTH];
  VeilKey *key;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!veil_key_check_name (name, error))
    return NULL;
  if (!fill_random (secret, sizeof secret, error))
    return NULL;

  key = veil_key_new_from_secret (name, secret, NULL);
  wipe (secret, sizeof secret);
  return key;
}

VeilKey *
veil_key_new_from_secret (const char   *name,
                          const guint8 *secret,
                          GDateTime    *created)
{
  VeilKey *key;

  g_return_val_if_fail (veil_key_check_name (name, NULL), NULL);
  g_return_val_if_fail (secret != NULL, NULL);

  key = key_alloc (name, VEIL_KEY_KIND_SECRET, created);
  memcpy (key->secret, secret, VEIL_KEY_SECRET_LENGTH);
  return key;
}

VeilKey *
veil_key_new_from_seed (guint32 seed)
{
  g_autofree char *name = g_strdup_printf (_("Seed %u"), seed);
  VeilKey *key = key_alloc (name, VEIL_KEY_KIND_SEED, NULL);

  key->seed = seed;
  return key;
}

VeilKey *
veil_key_ref (VeilKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  g_atomic_ref_count_inc (&key->ref_count);
  return key;
}

void
veil_key_unref (VeilKey *key)
{
  g_return_if_fail (key != NULL);

  if (!g_atomic_ref_count_dec (&key->ref_count))
    return;

  g_free (key->name);
  g_date_time_unref (key->created);
  wipe (key, sizeof *key);
  g_free (key);
}

const char *
veil_key_get_name (const VeilKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return key->name;
}

void
veil_key_set_name (VeilKey    *key,
                   const char *name)
{
  g_return_if_fail (key != NULL);
  g_return_if_fail (veil_key_check_name (name, NULL));

  if (name == key->name)
    return;
  g_free (key->name);
  key->name = g_strdup (name);
}

VeilKeyKind
veil_key_get_kind (const VeilKey *key)
{
  g_return_val_if_fail (key != NULL, VEIL_KEY_KIND_SECRET);

  return key->kind;
}

GDateTime *
veil_key_get_created (const VeilKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return key->created;
}

guint32
veil_key_get_seed (const VeilKey *key)
{
  g_return_val_if_fail (key != NULL, 0);
  g_return_val_if_fail (key->kind == VEIL_KEY_KIND_SEED, 0);

  return key->seed;
}

const guint8 *
veil_key_get_secret (const VeilKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (key->kind == VEIL_KEY_KIND_SECRET, NULL);

  return key->secret;
}

gboolean
veil_key_equal (const VeilKey *a,
                const VeilKey *b)
{
  guint8 diff = 0;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a->kind != b->kind)
    return FALSE;
  if (a->kind == VEIL_KEY_KIND_SEED)
    return a->seed == b->seed;

  for (guint i = 0; i < VEIL_KEY_SECRET_LENGTH; i++)
    diff |= a->secret[i] ^ b->secret[i];
  return diff == 0;
}

char *
veil_key_dup_fingerprint (const VeilKey *key)
{
  /* A domain-separation prefix keeps this digest from equalling any other use of the secret. */
  static const char secret_domain[] = "veil-key-fingerprint-v1";
  static const char seed_domain[] = "veil-seed-fingerprint-v1";
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  GString *out;

  g_return_val_if_fail (key != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (key->kind == VEIL_KEY_KIND_SECRET)
    {
      /* The terminating NUL is part of the hashed prefix. */
      g_checksum_update (checksum, (const guchar *) secret_domain, sizeof secret_domain);
      g_checksum_update (checksum, key->secret, VEIL_KEY_SECRET_LENGTH);
    }
  else
    {
      guint8 seed_be[4] = {
        key->seed >> 24, key->seed >> 16, key->seed >> 8, key->seed,
      };

      g_checksum_update (checksum, (const guchar *) seed_domain, sizeof seed_domain);
      g_checksum_update (checksum, seed_be, sizeof seed_be);
    }
  g_checksum_get_digest (checksum, digest, &digest_len);

  out = g_string_new (key->kind == VEIL_KEY_KIND_SEED ? "seed:" : "");
  for (guint i = 0; i < FINGERPRINT_BYTES; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%02x", digest[i]);
    }
  return g_string_free (out, FALSE);
}

/* Key files */

static char *
secret_to_hex (const guint8 *secret)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (2 * VEIL_KEY_SECRET_LENGTH + 1);

  for (guint i = 0; i < VEIL_KEY_SECRET_LENGTH; i++)
    {
      hex[2 * i] = digits[secret[i] >> 4];
      hex[2 * i + 1] = digits[secret[i] & 0xf];
    }
  hex[2 * VEIL_KEY_SECRET_LENGTH] = '\0';
  return hex;
}

/* The whole file text, secret included; the caller wipes it. */
static char *
key_to_text (const VeilKey *key)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *created = g_date_time_format_iso8601 (key->created);
  g_autofree char *head = NULL;

  g_key_file_set_integer (file, KEY_GROUP, "Version", KEY_FORMAT_VERSION);
  g_key_file_set_string (file, KEY_GROUP, "Name", key->name);
  g_key_file_set_string (file, KEY_GROUP, "Kind",
                         key->kind == VEIL_KEY_KIND_SECRET ? "secret" : "seed");
  g_key_file_set_string (file, KEY_GROUP, "Created", created);
  if (key->kind == VEIL_KEY_KIND_SEED)
    {
      g_key_file_set_uint64 (file, KEY_GROUP, "Seed", key->seed);
      return g_key_file_to_data (file, NULL, NULL);
    }

  /* The secret is appended by hand so that it only ever sits in memory this code wipes;
   * the group is the file's only one, so the line belongs to it. */
  head = g_key_file_to_data (file, NULL, NULL);
  {
    char *hex = secret_to_hex (key->secret);
    char *text = g_strconcat (head, "Secret=", hex, "\n", NULL);

    free_wiped (hex);
    return text;
  }
}

/* Moves the finished temporary file into place, never over an existing file unless @replace:
 * renameat2(RENAME_NOREPLACE), or on a file system without it a hard link, so that no other
 * writer can slip a file in between a check and the rename. */
static gboolean
move_into_place (const char *tmp_path,
                 const char *path,
                 gboolean    replace,
                 int        *saved_errno)
{
  if (replace)
    {
      if (g_rename (tmp_path, path) == 0)
        return TRUE;
      *saved_errno = errno;
      return FALSE;
    }
  if (renameat2 (AT_FDCWD, tmp_path, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
    return TRUE;
  if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
    {
      *saved_errno = errno;
      return FALSE;
    }
  if (link (tmp_path, path) != 0)
    {
      *saved_errno = errno;
      return FALSE;
    }
  g_unlink (tmp_path);
  return TRUE;
}

static gboolean
save_key (const VeilKey  *key,
          const char     *path,
          gboolean        replace,
          GError        **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  char *text = NULL;
  int fd = -1;
  int saved_errno = 0;
  gboolean ok = FALSE;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* The temporary file lives next to the target so that rename() replaces it atomically. */
  tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_clear_pointer (&tmp_path, g_free);
      goto out;
    }
  /* mkstemp already uses 0600, but the mode must hold before a single secret byte is written
   * whatever the umask or the libc does. */
  if (fchmod (fd, 0600) != 0)
    {
      saved_errno = errno;
      goto out;
    }

  text = key_to_text (key);
  if (!veil_paths_write_all (fd, text, strlen (text)))
    {
      saved_errno = errno;
      goto out;
    }
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      goto out;
    }
  if (close (fd) != 0)
    {
      fd = -1;
      saved_errno = errno;
      goto out;
    }
  fd = -1;
  if (!move_into_place (tmp_path, path, replace, &saved_errno))
    goto out;
  g_clear_pointer (&tmp_path, g_free);

  /* Makes the rename itself durable; a failure here does not lose the key, so it is ignored. */
  {
    int dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

    if (dir_fd >= 0)
      {
        fsync (dir_fd);
        close (dir_fd);
      }
  }
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  free_wiped (text);
  if (!ok && saved_errno == EEXIST)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("“%s” already exists"), path);
  else if (!ok)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_WRITE,
                 _("Cannot write key file “%s”: %s"), path, g_strerror (saved_errno));
  return ok;
}

gboolean
veil_key_save (const VeilKey  *key,
               const char     *path,
               GError        **error)
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return save_key (key, path, TRUE, error);
}

gboolean
veil_key_save_new (const VeilKey  *key,
                   const char     *path,
                   GError        **error)
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return save_key (key, path, FALSE, error);
}

static gboolean
read_key_file (const char  *path,
               char       **out_data,
               gsize       *out_len,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  struct stat st;
  GString *data;
  int fd;

  /* Only a regular file, and without blocking: a FIFO named as a key would otherwise hang the
   * program where no signal handler can help. */
  fd = veil_open_regular (path, &local_error);
  if (fd < 0)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_NOT_FOUND,
                     _("Key file “%s” does not exist"), path);
      else if (g_error_matches (local_error, VEIL_ERROR, VEIL_ERROR_UNSAFE_PATH))
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                     _("Key file “%s” is not a regular file"), path);
      else
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                     _("Cannot open key file “%s”: %s"), path, local_error->message);
      return FALSE;
    }

  /* fstat on the open descriptor checks the very file that is read, not a swapped one. */
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                   _("Cannot open key file “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  if ((st.st_mode & 0077) != 0)
    {
      close (fd);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_PERMISSIONS,
                   _("Key file “%s” can be accessed by other users (mode %04o); a key must be "
                     "private. Fix it with: chmod 600 '%s'"),
                   path, (guint) (st.st_mode & 07777), path);
      return FALSE;
    }
  if (st.st_size > KEY_FILE_MAX_BYTES)
    {
      close (fd);
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("“%s” is far too large to be a Veil key file"), path);
      return FALSE;
    }

  data = g_string_sized_new ((gsize) st.st_size + 1);
  for (;;)
    {
      char buf[1024];
      ssize_t n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          wipe (data->str, data->len);
          g_string_free (data, TRUE);
          wipe (buf, sizeof buf);
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_FAILED,
                       _("Cannot read key file “%s”: %s"), path, g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0 || data->len + (gsize) n > KEY_FILE_MAX_BYTES)
        {
          /* A file that grows while read is cut at the limit and then fails to parse. */
          if (n > 0)
            g_string_append_len (data, buf, (gssize) MIN ((gsize) n,
                                                          KEY_FILE_MAX_BYTES - data->len));
          wipe (buf, sizeof buf);
          break;
        }
      g_string_append_len (data, buf, n);
    }
  close (fd);

  *out_len = data->len;
  *out_data = g_string_free (data, FALSE);
  return TRUE;
}

static gboolean
parse_hex_secret (const char *hex,
                  guint8     *secret)
{
  for (guint i = 0; i < VEIL_KEY_SECRET_LENGTH; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      secret[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

/* Reads a required string entry, naming the file and the entry when it is missing. */
static char *
get_required (GKeyFile    *file,
              const char  *path,
              const char  *entry,
              GError     **error)
{
  char *value;

  if (!g_key_file_has_key (file, KEY_GROUP, entry, NULL))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” has no “%s” entry; it is incomplete or damaged"),
                   path, entry);
      return NULL;
    }
  value = g_key_file_get_string (file, KEY_GROUP, entry, NULL);
  if (value == NULL)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                 _("Key file “%s” has an unreadable “%s” entry"), path, entry);
  return value;
}

static VeilKey *
parse_key_file (const char  *path,
                GKeyFile    *file,
                GError     **error)
{
  g_autofree char *version = NULL;
  g_autofree char *name = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *created_text = NULL;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 number;

  if (!g_key_file_has_group (file, KEY_GROUP))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("“%s” is not a Veil key file: it has no [%s] section"), path, KEY_GROUP);
      return NULL;
    }

  version = get_required (file, path, "Version", error);
  if (version == NULL)
    return NULL;
  if (!g_ascii_string_to_unsigned (version, 10, 0, G_MAXUINT32, &number, NULL))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” has a Version “%s” that is not a number"), path, version);
      return NULL;
    }
  if (number != KEY_FORMAT_VERSION)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” uses key format version %s, but this version of Veil only "
                     "reads version %d"),
                   path, version, KEY_FORMAT_VERSION);
      return NULL;
    }

  name = get_required (file, path, "Name", error);
  if (name == NULL)
    return NULL;
  if (!veil_key_check_name (name, &local_error))
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” has an invalid name: %s"), path, local_error->message);
      return NULL;
    }

  kind = get_required (file, path, "Kind", error);
  if (kind == NULL)
    return NULL;
  if (g_strcmp0 (kind, "secret") != 0 && g_strcmp0 (kind, "seed") != 0)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” is of unknown kind “%s” (expected “secret” or “seed”)"),
                   path, kind);
      return NULL;
    }

  created_text = get_required (file, path, "Created", error);
  if (created_text == NULL)
    return NULL;
  created = g_date_time_new_from_iso8601 (created_text, NULL);
  if (created == NULL)
    {
      g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                   _("Key file “%s” has a creation date “%s” that is not an ISO 8601 date"),
                   path, created_text);
      return NULL;
    }

  if (g_str_equal (kind, "seed"))
    {
      g_autofree char *seed_text = get_required (file, path, "Seed", error);
      VeilKey *key;

      if (seed_text == NULL)
        return NULL;
      if (!g_ascii_string_to_unsigned (seed_text, 10, 0, G_MAXUINT32, &number, NULL))
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                       _("Key file “%s” has a seed “%s” that is not a whole number from 0 to "
                         "4294967295"),
                       path, seed_text);
          return NULL;
        }
      key = key_alloc (name, VEIL_KEY_KIND_SEED, created);
      key->seed = (guint32) number;
      return key;
    }
  else
    {
      char *hex = get_required (file, path, "Secret", error);
      guint8 secret[VEIL_KEY_SECRET_LENGTH];
      VeilKey *key = NULL;
      gsize len;

      if (hex == NULL)
        return NULL;
      len = strlen (hex);
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isxdigit (hex[i]))
          {
            g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                         _("Key file “%s” has a secret with characters that are not "
                           "hexadecimal digits; it is damaged"),
                         path);
            free_wiped (hex);
            return NULL;
          }
      if (len != 2 * VEIL_KEY_SECRET_LENGTH)
        {
          g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                       _("Key file “%s” has a secret of %lu hexadecimal digits "
                         "instead of %d; it is truncated or damaged"),
                       path, (gulong) len, 2 * VEIL_KEY_SECRET_LENGTH);
          free_wiped (hex);
          return NULL;
        }
      if (parse_hex_secret (hex, secret))
        key = veil_key_new_from_secret (name, secret, created);
      wipe (secret, sizeof secret);
      free_wiped (hex);
      return key;
    }
}

VeilKey *
veil_key_load (const char  *path,
               GError     **error)
{
  g_autoptr(GKeyFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  char *data = NULL;
  gsize len = 0;
  VeilKey *key = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!read_key_file (path, &data, &len, error))
    return NULL;

  if (len == 0)
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                 _("Key file “%s” is empty"), path);
  else if (memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL))
    g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                 _("“%s” is not a Veil key file: it contains binary data, not text"), path);
  else
    {
      /* GKeyFile keeps its own copy of the text, which it frees without wiping; the copies
       * this code makes are wiped. */
      file = g_key_file_new ();
      if (!g_key_file_load_from_data (file, data, len, G_KEY_FILE_NONE, &local_error))
        g_set_error (error, VEIL_ERROR, VEIL_ERROR_KEY_INVALID,
                     _("“%s” is not a Veil key file: %s"), path, local_error->message);
      else
        key = parse_key_file (path, file, error);
    }

  wipe (data, len);
  g_free (data);
  return key;
}

gboolean
veil_key_data_holds_key (const guint8 *data,
                         gsize         len)
{
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  return len > 0 && memmem (data, len, VEIL_KEY_FILE_MARKER, strlen (VEIL_KEY_FILE_MARKER)) != NULL;
}
