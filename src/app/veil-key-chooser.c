/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-key-chooser"

#include "config.h"

#include <glib/gi18n.h>

#include "veil-key-chooser.h"
#include "veil-key-list.h"
#include "veil-key-manager.h"

struct _VeilKeyChooser
{
  GtkWidget    parent_instance;

  VeilKeyList *key_list;
  gboolean     compact;

  GtkMenuButton *button;
  GtkImage      *icon;
  GtkLabel      *name_label;
  GtkLabel      *fingerprint_label;
  GtkPopover    *popover;
  GtkLabel      *empty_label;
  GtkLabel      *seed_label;
  GtkWidget     *scroller;
  GtkListBox    *list_box;
  GtkWidget     *create_button;
  GtkWidget     *manage_button;
};

G_DEFINE_FINAL_TYPE (VeilKeyChooser, veil_key_chooser, GTK_TYPE_WIDGET)

static GtkWidget *
create_row (VeilKeyItem *item,
            gboolean     active)
{
  GtkWidget *row;
  GtkWidget *box;
  GtkWidget *labels;
  GtkWidget *name;
  GtkWidget *fingerprint;
  GtkWidget *check;

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);

  labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (labels, TRUE);
  name = gtk_label_new (veil_key_item_get_name (item));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  fingerprint = gtk_label_new (veil_key_item_get_fingerprint (item));
  gtk_label_set_xalign (GTK_LABEL (fingerprint), 0);
  gtk_widget_add_css_class (fingerprint, "dim-label");
  gtk_widget_add_css_class (fingerprint, "monospace");
  gtk_widget_add_css_class (fingerprint, "caption");
  gtk_box_append (GTK_BOX (labels), name);
  gtk_box_append (GTK_BOX (labels), fingerprint);
  gtk_box_append (GTK_BOX (box), labels);

  check = gtk_image_new_from_icon_name ("object-select-symbolic");
  gtk_widget_set_opacity (check, active ? 1.0 : 0.0);
  gtk_box_append (GTK_BOX (box), check);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "veil-key-name",
                          g_strdup (veil_key_item_get_name (item)), g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, veil_key_item_get_name (item),
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                               GTK_ACCESSIBLE_STATE_CHECKED,
                               active ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                      : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);

  return row;
}

static void
update (VeilKeyChooser *self)
{
  GListModel *model = veil_key_list_get_model (self->key_list);
  VeilKeyItem *active = veil_key_list_get_active_item (self->key_list);
  gboolean use_seed = veil_key_list_get_use_seed (self->key_list);
  guint n_keys = g_list_model_get_n_items (model);
  g_autofree char *accessible = NULL;
  GtkListBoxRow *row;

  if (use_seed)
    {
      g_autoptr(VeilKey) key = veil_key_list_dup_active_key (self->key_list);
      g_autofree char *text = NULL;

      gtk_label_set_label (self->name_label, _("Integer Seed"));
      gtk_label_set_label (self->fingerprint_label, "");
      gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
      /* Explicit line breaks: a wrapping label is measured too short in a GTK 4.8 popover. */
      text = g_strdup_printf (_("The integer seed %u is in use.\n"
                                "Anyone who tries seeds can undo it.\n"
                                "Pick a key below for a secret one."),
                              key != NULL ? veil_key_get_seed (key) : 0);
      gtk_label_set_label (self->seed_label, text);
      accessible = g_strdup (_("Key: integer seed (guessable)"));
    }
  else if (active != NULL)
    {
      g_autofree char *short_fp = veil_key_item_dup_short_fingerprint (active);

      gtk_label_set_label (self->name_label, veil_key_item_get_name (active));
      gtk_label_set_label (self->fingerprint_label, short_fp);
      gtk_image_set_from_icon_name (self->icon, "dialog-password-symbolic");
      accessible = g_strdup_printf (_("Key: %s, fingerprint %s"),
                                    veil_key_item_get_name (active),
                                    veil_key_item_get_fingerprint (active));
    }
  else
    {
      gtk_label_set_label (self->name_label, _("No Key"));
      gtk_label_set_label (self->fingerprint_label, "");
      gtk_image_set_from_icon_name (self->icon, "dialog-warning-symbolic");
      accessible = g_strdup (_("Key: none chosen"));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->name_label), !self->compact);
  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_label),
                          !self->compact && *gtk_label_get_label (self->fingerprint_label) != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->seed_label), use_seed);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n_keys == 0);
  gtk_widget_set_visible (self->scroller, n_keys > 0);
  gtk_widget_set_visible (self->create_button, n_keys == 0);
  gtk_widget_set_visible (self->manage_button, n_keys > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), accessible);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);

  /* The list is a handful of keys: rebuilding it is simpler than tracking each change. */
  while ((row = gtk_list_box_get_row_at_index (self->list_box, 0)) != NULL)
    gtk_list_box_remove (self->list_box, GTK_WIDGET (row));

  for (guint i = 0; i < n_keys; i++)
    {
      g_autoptr(VeilKeyItem) item = g_list_model_get_item (model, i);

      gtk_list_box_append (self->list_box, create_row (item, !use_seed && item == active));
    }
}

static void
on_active_key_changed_cb (VeilKeyList    *key_list,
                          VeilKeyChooser *self)
{
  update (self);
}

static void
on_row_activated_cb (GtkListBox     *list_box,
                     GtkListBoxRow  *row,
                     VeilKeyChooser *self)
{
  const char *name = g_object_get_data (G_OBJECT (row), "veil-key-name");

  gtk_popover_popdown (self->popover);
  veil_key_list_set_active (self->key_list, name);
}

static void
on_manage_clicked_cb (GtkButton      *button,
                      VeilKeyChooser *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  gtk_popover_popdown (self->popover);
  veil_key_manager_present (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

static void
on_popover_show_cb (GtkPopover     *popover,
                    VeilKeyChooser *self)
{
  /* Key files may have been added by veil-cli while the app was running. */
  veil_key_list_reload (self->key_list);
}

static void
veil_key_chooser_dispose (GObject *object)
{
  VeilKeyChooser *self = VEIL_KEY_CHOOSER (object);

  if (self->key_list != NULL)
    g_signal_handlers_disconnect_by_func (self->key_list, on_active_key_changed_cb, self);
  self->key_list = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), VEIL_TYPE_KEY_CHOOSER);

  G_OBJECT_CLASS (veil_key_chooser_parent_class)->dispose (object);
}

static void
veil_key_chooser_class_init (VeilKeyChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = veil_key_chooser_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/unlearnable/Veil/veil-key-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, button);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, icon);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, name_label);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, popover);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, empty_label);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, seed_label);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, scroller);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, list_box);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, create_button);
  gtk_widget_class_bind_template_child (widget_class, VeilKeyChooser, manage_button);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_manage_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_show_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "veilkeychooser");
}

static void
veil_key_chooser_init (VeilKeyChooser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->key_list = veil_key_list_get_default ();
  g_signal_connect (self->key_list, "active-key-changed",
                    G_CALLBACK (on_active_key_changed_cb), self);

  update (self);
}

GtkWidget *
veil_key_chooser_new (void)
{
  return g_object_new (VEIL_TYPE_KEY_CHOOSER, NULL);
}

void
veil_key_chooser_set_compact (VeilKeyChooser *self,
                              gboolean        compact)
{
  g_return_if_fail (VEIL_IS_KEY_CHOOSER (self));

  if (self->compact == !!compact)
    return;
  self->compact = !!compact;
  gtk_widget_set_visible (GTK_WIDGET (self->name_label), !self->compact);
  gtk_widget_set_visible (GTK_WIDGET (self->fingerprint_label),
                          !self->compact && *gtk_label_get_label (self->fingerprint_label) != '\0');
}
