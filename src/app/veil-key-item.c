/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-key-item"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "veil-key-item.h"

struct _VeilKeyItem
{
  GObject  parent_instance;

  VeilKey *key;
  char    *fingerprint;
};

G_DEFINE_FINAL_TYPE (VeilKeyItem, veil_key_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FINGERPRINT,
  PROP_KIND,
  PROP_KIND_LABEL,
  PROP_CREATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
veil_key_item_finalize (GObject *object)
{
  VeilKeyItem *self = VEIL_KEY_ITEM (object);

  g_clear_pointer (&self->key, veil_key_unref);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (veil_key_item_parent_class)->finalize (object);
}

static void
veil_key_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  VeilKeyItem *self = VEIL_KEY_ITEM (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, veil_key_item_get_name (self));
      break;
    case PROP_FINGERPRINT:
      g_value_set_string (value, self->fingerprint);
      break;
    case PROP_KIND:
      g_value_set_int (value, (int) veil_key_item_get_kind (self));
      break;
    case PROP_KIND_LABEL:
      g_value_set_string (value, veil_key_item_get_kind_label (self));
      break;
    case PROP_CREATED:
      g_value_set_boxed (value, veil_key_item_get_created (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
veil_key_item_class_init (VeilKeyItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = veil_key_item_finalize;
  object_class->get_property = veil_key_item_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FINGERPRINT] =
    g_param_spec_string ("fingerprint", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* An int rather than an enum type: the core's VeilKeyKind has no GType. */
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_KIND_LABEL] =
    g_param_spec_string ("kind-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CREATED] =
    g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
veil_key_item_init (VeilKeyItem *self)
{
}

VeilKeyItem *
veil_key_item_new (VeilKey *key)
{
  VeilKeyItem *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (VEIL_TYPE_KEY_ITEM, NULL);
  self->key = veil_key_ref (key);
  self->fingerprint = veil_key_dup_fingerprint (key);

  return self;
}

VeilKey *
veil_key_item_get_key (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  return self->key;
}

const char *
veil_key_item_get_name (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  return veil_key_get_name (self->key);
}

const char *
veil_key_item_get_fingerprint (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  return self->fingerprint;
}

char *
veil_key_item_dup_short_fingerprint (VeilKeyItem *self)
{
  const char *fp;
  const char *space;

  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  fp = self->fingerprint != NULL ? self->fingerprint : "";
  space = strchr (fp, ' ');

  return space != NULL ? g_strndup (fp, space - fp) : g_strdup (fp);
}

VeilKeyKind
veil_key_item_get_kind (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), VEIL_KEY_KIND_SECRET);

  return veil_key_get_kind (self->key);
}

GDateTime *
veil_key_item_get_created (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  return veil_key_get_created (self->key);
}

const char *
veil_key_item_get_kind_label (VeilKeyItem *self)
{
  g_return_val_if_fail (VEIL_IS_KEY_ITEM (self), NULL);

  switch (veil_key_get_kind (self->key))
    {
    case VEIL_KEY_KIND_SEED:
      return _("Integer seed");
    case VEIL_KEY_KIND_SECRET:
    default:
      return _("Secret key");
    }
}

void
veil_key_item_set_name (VeilKeyItem *self,
                        const char  *name)
{
  g_return_if_fail (VEIL_IS_KEY_ITEM (self));
  g_return_if_fail (name != NULL);

  if (g_strcmp0 (name, veil_key_get_name (self->key)) == 0)
    return;

  veil_key_set_name (self->key, name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}
