/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-key-list"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-key-list.h"
#include "veil-key-store.h"

struct _VeilKeyList
{
  GObject     parent_instance;

  GSettings  *settings;
  GListStore *store;
  GStrv       problems;
  char       *directory;
  char       *signature;  /* names, fingerprints and problems of the last load */
  gboolean    loaded;
  /* While > 0, "active-key-changed" waits: one change of the store and the settings together
   * is announced once, never in a half-done state. */
  guint       freeze;
  gboolean    pending;
};

G_DEFINE_FINAL_TYPE (VeilKeyList, veil_key_list, G_TYPE_OBJECT)

enum {
  ACTIVE_KEY_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (VeilKeyList *self)
{
  if (self->freeze > 0)
    {
      self->pending = TRUE;
      return;
    }
  g_signal_emit (self, signals[ACTIVE_KEY_CHANGED], 0);
}

static void
freeze_changed (VeilKeyList *self)
{
  self->freeze++;
}

static void
thaw_changed (VeilKeyList *self)
{
  g_assert (self->freeze > 0);

  if (--self->freeze == 0 && self->pending)
    {
      self->pending = FALSE;
      emit_changed (self);
    }
}

static void
on_settings_changed_cb (GSettings   *settings,
                        const char  *key,
                        VeilKeyList *self)
{
  if (g_str_equal (key, "active-key") || g_str_equal (key, "use-seed") || g_str_equal (key, "seed"))
    emit_changed (self);
}

static void
veil_key_list_dispose (GObject *object)
{
  VeilKeyList *self = VEIL_KEY_LIST (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (veil_key_list_parent_class)->dispose (object);
}

static void
veil_key_list_finalize (GObject *object)
{
  VeilKeyList *self = VEIL_KEY_LIST (object);

  g_clear_pointer (&self->problems, g_strfreev);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->signature, g_free);

  G_OBJECT_CLASS (veil_key_list_parent_class)->finalize (object);
}

static void
veil_key_list_class_init (VeilKeyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_key_list_dispose;
  object_class->finalize = veil_key_list_finalize;

  signals[ACTIVE_KEY_CHANGED] =
    g_signal_new ("active-key-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
veil_key_list_init (VeilKeyList *self)
{
  self->store = g_list_store_new (VEIL_TYPE_KEY_ITEM);
  self->settings = g_settings_new (APP_ID);
  self->directory = veil_key_store_default_dir ();
  self->problems = g_new0 (char *, 1);

  g_signal_connect_object (self->settings, "changed",
                           G_CALLBACK (on_settings_changed_cb), self, 0);
}

static void
ensure_loaded (VeilKeyList *self)
{
  if (!self->loaded)
    veil_key_list_reload (self);
}

VeilKeyList *
veil_key_list_get_default (void)
{
  static VeilKeyList *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, g_object_new (VEIL_TYPE_KEY_LIST, NULL));

  return instance;
}

void
veil_key_list_reload (VeilKeyList *self)
{
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) signature = g_string_new (NULL);
  GStrvBuilder *builder;

  g_return_if_fail (VEIL_IS_KEY_LIST (self));

  self->loaded = TRUE;

  keys = veil_key_store_list (self->directory, &problems, &error);
  items = g_ptr_array_new_with_free_func (g_object_unref);
  builder = g_strv_builder_new ();

  if (keys == NULL)
    {
      /* A store that cannot be listed at all is one problem for the person to see, not a
       * reason to stop: the rest of the app works without keys. */
      g_strv_builder_add (builder, error->message);
    }
  else
    {
      for (guint i = 0; i < keys->len; i++)
        g_ptr_array_add (items, veil_key_item_new (g_ptr_array_index (keys, i)));
    }

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (problems, i));

  g_clear_pointer (&self->problems, g_strfreev);
  self->problems = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  /* Reloading is cheap and done whenever a key view opens; only a real change is announced,
   * so that views (and the preview, which follows the active key) do not redo work. */
  for (guint i = 0; i < items->len; i++)
    {
      VeilKeyItem *item = g_ptr_array_index (items, i);

      g_string_append_printf (signature, "%s\t%s\n", veil_key_item_get_name (item),
                              veil_key_item_get_fingerprint (item));
    }
  for (guint i = 0; self->problems[i] != NULL; i++)
    g_string_append_printf (signature, "!%s\n", self->problems[i]);
  if (self->signature != NULL && g_str_equal (self->signature, signature->str))
    return;
  g_free (self->signature);
  self->signature = g_strdup (signature->str);

  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);

  emit_changed (self);
}

GListModel *
veil_key_list_get_model (VeilKeyList *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  ensure_loaded (self);

  return G_LIST_MODEL (self->store);
}

const char * const *
veil_key_list_get_problems (VeilKeyList *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  ensure_loaded (self);

  return (const char * const *) self->problems;
}

const char *
veil_key_list_get_directory (VeilKeyList *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  return self->directory;
}

VeilKeyItem *
veil_key_list_find (VeilKeyList *self,
                    const char  *name)
{
  guint n;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  if (name == NULL || *name == '\0')
    return NULL;

  ensure_loaded (self);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(VeilKeyItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);

      if (g_strcmp0 (veil_key_item_get_name (item), name) == 0)
        return item; /* the store keeps its own reference */
    }

  return NULL;
}

VeilKeyItem *
veil_key_list_get_active_item (VeilKeyList *self)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  name = g_settings_get_string (self->settings, "active-key");

  return veil_key_list_find (self, name);
}

gboolean
veil_key_list_get_use_seed (VeilKeyList *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), FALSE);

  return g_settings_get_boolean (self->settings, "use-seed");
}

VeilKey *
veil_key_list_dup_active_key (VeilKeyList *self)
{
  VeilKeyItem *item;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);

  if (g_settings_get_boolean (self->settings, "use-seed"))
    return veil_key_new_from_seed (g_settings_get_uint (self->settings, "seed"));

  item = veil_key_list_get_active_item (self);

  return item != NULL ? veil_key_ref (veil_key_item_get_key (item)) : NULL;
}

void
veil_key_list_set_active (VeilKeyList *self,
                          const char  *name)
{
  g_return_if_fail (VEIL_IS_KEY_LIST (self));

  /* Not g_settings_delay()/apply(): GLib 2.74 emits "changed" from apply() while holding the
   * delayed backend's lock, and a handler that reads any setting then deadlocks. */
  freeze_changed (self);
  if (name != NULL)
    g_settings_set_boolean (self->settings, "use-seed", FALSE);
  g_settings_set_string (self->settings, "active-key", name != NULL ? name : "");
  thaw_changed (self);
}

static void
adopt_if_none_active (VeilKeyList *self,
                      const char  *name)
{
  if (veil_key_list_get_active_item (self) == NULL
      && !g_settings_get_boolean (self->settings, "use-seed"))
    g_settings_set_string (self->settings, "active-key", name);
}

VeilKeyItem *
veil_key_list_create (VeilKeyList *self,
                      const char  *name,
                      GError     **error)
{
  g_autoptr(VeilKey) key = NULL;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!veil_key_check_name (name, error))
    return NULL;

  key = veil_key_new_random (name, error);
  if (key == NULL)
    return NULL;

  if (!veil_key_store_add (self->directory, key, error))
    return NULL;

  freeze_changed (self);
  veil_key_list_reload (self);
  adopt_if_none_active (self, name);
  thaw_changed (self);

  return veil_key_list_find (self, name);
}

VeilKeyItem *
veil_key_list_import (VeilKeyList *self,
                      const char  *path,
                      GError     **error)
{
  g_autoptr(VeilKey) key = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = veil_key_store_import (self->directory, path, error);
  if (key == NULL)
    return NULL;

  name = g_strdup (veil_key_get_name (key));
  freeze_changed (self);
  veil_key_list_reload (self);
  adopt_if_none_active (self, name);
  thaw_changed (self);

  return veil_key_list_find (self, name);
}

gboolean
veil_key_list_export (VeilKeyList *self,
                      const char  *name,
                      const char  *path,
                      gboolean     replace,
                      GError     **error)
{
  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return veil_key_store_export (self->directory, name, path, replace, error);
}

gboolean
veil_key_list_rename (VeilKeyList *self,
                      const char  *old_name,
                      const char  *new_name,
                      GError     **error)
{
  g_autofree char *active = NULL;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (old_name != NULL, FALSE);
  g_return_val_if_fail (new_name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_strcmp0 (old_name, new_name) == 0)
    return TRUE;

  if (!veil_key_check_name (new_name, error))
    return FALSE;

  if (!veil_key_store_rename (self->directory, old_name, new_name, error))
    return FALSE;

  /* The active key follows its rename, so renaming never silently changes which key is used. */
  freeze_changed (self);
  active = g_settings_get_string (self->settings, "active-key");
  if (g_strcmp0 (active, old_name) == 0)
    g_settings_set_string (self->settings, "active-key", new_name);
  veil_key_list_reload (self);
  thaw_changed (self);

  return TRUE;
}

gboolean
veil_key_list_delete (VeilKeyList *self,
                      const char  *name,
                      GError     **error)
{
  g_autofree char *active = NULL;

  g_return_val_if_fail (VEIL_IS_KEY_LIST (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!veil_key_store_delete (self->directory, name, error))
    return FALSE;

  freeze_changed (self);
  active = g_settings_get_string (self->settings, "active-key");
  if (g_strcmp0 (active, name) == 0)
    g_settings_set_string (self->settings, "active-key", "");
  veil_key_list_reload (self);
  thaw_changed (self);

  return TRUE;
}
