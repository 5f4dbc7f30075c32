/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-window"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "veil-class-item.h"
#include "veil-mix.h"
#include "veil-protect.h"
#include "veil-protect-settings.h"
#include "veil-window-private.h"

#include "veil-key-list.h"

/* ---- Key and filter bank ----------------------------------------------------------------- */

static void
refresh_key (VeilWindow *self)
{
  VeilKey *key = NULL;

  key = veil_key_list_dup_active_key (veil_key_list_get_default ());
  if (key != NULL)
    {
      g_clear_pointer (&self->key, veil_key_unref);
      self->key = key;
      self->key_is_temporary = FALSE;
      return;
    }

  /* No key yet: previews still show what protection looks like, with a key that lives only in
   * memory for this session. Exports need a real key (the export dialog asks for one). */
  if (self->key == NULL || !self->key_is_temporary)
    {
      g_autoptr(GError) error = NULL;

      g_clear_pointer (&self->key, veil_key_unref);
      self->key = veil_key_new_random (_("Preview key"), &error);
      self->key_is_temporary = TRUE;
      if (self->key == NULL)
        g_warning ("No preview key: %s", error->message);
    }
}

void
_veil_window_rebuild_bank (VeilWindow *self)
{
  g_autoptr(GError) error = NULL;
  VeilProtectParams params;
  guint n_classes;

  g_return_if_fail (VEIL_IS_WINDOW (self));

  g_clear_pointer (&self->bank, veil_filter_bank_unref);
  g_clear_pointer (&self->seed_mix, g_free);
  if (self->dataset == NULL || self->key == NULL)
    goto out;

  n_classes = veil_dataset_get_n_classes (self->dataset);
  veil_protect_settings_read (self->settings, &params);

  /* Built as the export builds it, decoy included, so the preview is what the export writes. */
  self->bank = veil_filter_bank_new_full (self->key,
                                          veil_dataset_get_class_names (self->dataset),
                                          n_classes, params.kind, params.k, params.pb,
                                          params.decoy, &error);
  if (self->bank == NULL)
    {
      veil_window_add_toast (self, error->message);
      goto out;
    }

  /* With a seed, which images are protected depends on the draw order over the whole set. */
  if (veil_mix_needs_draws (self->key, params.mix))
    self->seed_mix = veil_mix_decide_seeded (veil_key_get_seed (self->key), n_classes, params.k,
                                             veil_dataset_get_n_images (self->dataset),
                                             params.mix);

out:
  if (self->class_store != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->class_store));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(VeilClassItem) item = g_list_model_get_item (G_LIST_MODEL (self->class_store),
                                                                  i);

          if (self->bank != NULL)
            veil_class_item_set_filter (item, veil_filter_bank_get_filter (self->bank, i),
                                        veil_filter_bank_get_k (self->bank));
          else
            veil_class_item_set_filter (item, NULL, 0);
        }
    }
  _veil_window_update_preview (self);
}

/* ---- The preview ------------------------------------------------------------------------- */

/* The same choice the export makes for this image (veil-export-plan.c). */
static gboolean
image_is_protected (VeilWindow *self)
{
  VeilProtectParams params;

  veil_protect_settings_read (self->settings, &params);
  return veil_mix_decide (self->key, self->seed_mix,
                          veil_image_item_get_index (self->selected_image),
                          veil_image_item_get_relative_path (self->selected_image), params.mix);
}

static guint
get_training_res (VeilWindow *self)
{
  VeilProtectParams params;

  veil_protect_settings_read (self->settings, &params);
  return params.training_res;
}

/* Whether the selected image is of the class the key leaves as it is. */
static gboolean
image_is_decoy (VeilWindow *self)
{
  return self->bank != NULL && self->selected_image != NULL
         && (int) veil_image_item_get_class_index (self->selected_image)
            == veil_filter_bank_get_decoy (self->bank);
}

/* Without a word, the two identical sides of a decoy photo would look like a bug. */
static void
update_decoy_note (VeilWindow *self)
{
  gboolean decoy = image_is_decoy (self);

  if (decoy)
    {
      const char *name = veil_filter_bank_get_class_name (
        self->bank, veil_image_item_get_class_index (self->selected_image));
      /* Translators: %s is a class name. */
      g_autofree char *text = g_strdup_printf (_("“%s” is the decoy class: the key leaves its "
                                                 "photos as they are, so that a model trained "
                                                 "on the copy takes real photos for it."), name);

      gtk_label_set_label (self->decoy_note_label, text);
    }
  gtk_widget_set_visible (self->decoy_note, decoy);
}

static void
update_captions (VeilWindow *self,
                 gboolean    protect)
{
  guint res = get_training_res (self);
  gboolean model_view = g_settings_get_boolean (self->settings, "model-view") && res != 0;
  g_autofree char *original = NULL;
  g_autofree char *protected_text = NULL;
  g_autofree char *difference = NULL;
  double gain = veil_preview_job_get_difference_gain (self->preview_job);
  gboolean decoy = protect && image_is_decoy (self);

  if (model_view)
    {
      /* Translators: %u is the training resolution in pixels. */
      original = g_strdup_printf (_("Original, as a model sees it (%u px)"), res);
      if (decoy)
        /* Translators: %u is the training resolution in pixels. */
        protected_text = g_strdup_printf (_("Decoy class, left as it is (%u px)"), res);
      else if (protect)
        protected_text = g_strdup_printf (_("Protected, as a model sees it (%u px)"), res);
      else
        protected_text = g_strdup (_("Left unprotected (outside the protected fraction)"));
    }
  else
    {
      original = g_strdup (_("Original"));
      protected_text = g_strdup (decoy     ? _("Decoy class, left as it is")
                                 : protect ? _("Protected")
                                           : _("Left unprotected (outside the protected "
                                               "fraction)"));
    }
  /* Translators: the difference view's caption; %.0f is how much it is amplified. */
  difference = g_strdup_printf (_("Difference, amplified ×%.0f"), gain > 0 ? gain : 1.0);
  veil_compare_view_set_captions (self->compare_view, original, protected_text, difference);
}

static void
update_info (VeilWindow *self)
{
  GString *info = g_string_new (NULL);
  int width, height;
  VeilProtectParams params;
  guint res;

  veil_protect_settings_read (self->settings, &params);
  res = params.training_res;

  if (self->selected_image != NULL)
    {
      veil_preview_job_get_source_size (self->preview_job, &width, &height);
      g_string_append (info, veil_image_item_get_display_name (self->selected_image));
      if (width > 0)
        {
          double scale = veil_protect_scale_factor (res, width, height);

          g_string_append_printf (info, " · %d × %d px", width, height);
          /* The decoy note says what happens to this photo: no filter at all. */
          if (image_is_decoy (self))
            g_string_append (info, _(" · no filter (decoy class)"));
          else if (scale > 1.0 && self->bank != NULL && params.keep_detail)
            {
              /* Translators: how a large photo is protected with "Keep fine detail". */
              g_string_append_printf (info, _(" · protected at %u px, finer detail kept as it "
                                              "is"), res);
            }
          else if (scale > 1.0 && self->bank != NULL)
            {
              /* Translators: how the filter is applied to a large photo. */
              g_string_append_printf (info, _(" · filter enlarged %.1f× to survive shrinking to "
                                              "%u px"), scale, res);
            }
          else
            g_string_append (info, _(" · filter applied as is"));
        }
    }
  if (self->key_is_temporary)
    {
      if (info->len > 0)
        g_string_append (info, " · ");
      g_string_append (info, _("No key chosen: previews use a temporary key"));
    }
  gtk_label_set_label (self->preview_info_label, info->str);
  g_string_free (info, TRUE);
}

/* The size to decode at: the view's, or more when zoomed in beyond "fit" so that 100 % shows
 * real detail (capped: a preview never decodes more than about 4096 px across). */
static void
get_decode_size (VeilWindow *self,
                 int        *width,
                 int        *height)
{
  double zoom = veil_compare_view_get_effective_zoom (self->compare_view);
  double fit;
  double factor = 1.0;
  double fitted_long_side;
  int source_width, source_height;

  veil_compare_view_get_pane_size (self->compare_view, width, height);
  fit = veil_compare_view_get_fit_zoom (self->compare_view);
  veil_preview_job_get_source_size (self->preview_job, &source_width, &source_height);
  /* The cap is on the image, not on the box: a box much wider than the image (a short, wide
   * pane) would otherwise stop the decode short of the file's pixels at 100 %. */
  fitted_long_side = source_width > 0 ? fit * MAX (source_width, source_height)
                                      : MAX (*width, *height);
  if (fit > 0 && zoom > fit)
    factor = CLAMP (zoom / fit, 1.0, MAX (1.0, 4096.0 / MAX (1.0, fitted_long_side)));
  /* Up, so that a rounding error never costs the file's last row at 100 %. */
  *width = (int) ceil (*width * factor - 1e-6);
  *height = (int) ceil (*height * factor - 1e-6);
}

void
_veil_window_update_preview (VeilWindow *self)
{
  g_autofree char *path = NULL;
  int width, height;
  gboolean protect;
  VeilProtectParams params;

  g_return_if_fail (VEIL_IS_WINDOW (self));

  if (self->preview_job == NULL)
    return;

  if (self->selected_image == NULL)
    {
      veil_preview_job_set_image (self->preview_job, NULL, 0, 0);
      update_decoy_note (self);
      update_info (self);
      return;
    }

  path = veil_image_item_dup_path (self->selected_image);
  get_decode_size (self, &width, &height);
  veil_preview_job_set_image (self->preview_job, path, width, height);

  protect = image_is_protected (self);
  veil_protect_settings_read (self->settings, &params);
  veil_preview_job_set_parameters (self->preview_job, self->bank,
                                   veil_image_item_get_class_index (self->selected_image),
                                   params.training_res, protect, params.keep_detail,
                                   g_settings_get_boolean (self->settings, "model-view"));
  gtk_spinner_start (self->preview_spinner);
  update_captions (self, protect);
  update_decoy_note (self);
  update_info (self);
}

static void
on_preview_updated_cb (VeilPreviewJob *job,
                       VeilWindow     *self)
{
  int width, height;

  veil_preview_job_get_source_size (job, &width, &height);
  veil_compare_view_set_images (self->compare_view,
                                veil_preview_job_get_original (job),
                                veil_preview_job_get_protected (job),
                                veil_preview_job_get_difference (job),
                                width, height);
  if (!veil_preview_job_is_busy (job))
    gtk_spinner_stop (self->preview_spinner);
  if (self->selected_image != NULL)
    update_captions (self, image_is_protected (self));
  update_info (self);
  _veil_window_update_zoom_label (self);
  _veil_window_hint_small_pictures (self, width, height);
}

static void
on_preview_failed_cb (VeilPreviewJob *job,
                      const char     *message,
                      VeilWindow     *self)
{
  gtk_spinner_stop (self->preview_spinner);
  veil_compare_view_set_images (self->compare_view, NULL, NULL, NULL, 0, 0);
  adw_status_page_set_title (self->compare_status, _("This Image Cannot Be Shown"));
  adw_status_page_set_description (self->compare_status, message);
  gtk_stack_set_visible_child_name (self->compare_stack, "empty");
  veil_window_add_toast (self, message);
}

void
_veil_window_update_zoom_label (VeilWindow *self)
{
  g_autofree char *text = NULL;

  if (veil_compare_view_get_zoom (self->compare_view) == VEIL_ZOOM_FIT)
    text = g_strdup_printf (_("Fit (%.0f %%)"),
                            veil_compare_view_get_effective_zoom (self->compare_view) * 100);
  else
    text = g_strdup_printf (_("%.0f %%"),
                            veil_compare_view_get_effective_zoom (self->compare_view) * 100);
  gtk_label_set_label (self->zoom_label, text);
}

static void
on_compare_resized_cb (VeilCompareView *view,
                       VeilWindow      *self)
{
  /* A bigger view may need a bigger decode; set_image ignores small changes. */
  if (self->selected_image != NULL)
    {
      g_autofree char *path = veil_image_item_dup_path (self->selected_image);
      int width, height;

      get_decode_size (self, &width, &height);
      veil_preview_job_set_image (self->preview_job, path, width, height);
    }
  _veil_window_update_zoom_label (self);
}

static void
on_compare_zoom_cb (VeilCompareView *view,
                    GParamSpec      *pspec,
                    VeilWindow      *self)
{
  on_compare_resized_cb (view, self);
}

static void
on_parameters_changed_cb (GSettings  *settings,
                          const char *key,
                          VeilWindow *self)
{
  if (g_str_equal (key, "filters") || g_str_equal (key, "kernel-size") || g_str_equal (key, "blur")
      || g_str_equal (key, "mix") || g_str_equal (key, "decoy"))
    _veil_window_rebuild_bank (self);
  else if (g_str_equal (key, "training-resolution") || g_str_equal (key, "keep-detail")
           || g_str_equal (key, "model-view"))
    _veil_window_update_preview (self);
  else if (g_str_equal (key, "active-key") || g_str_equal (key, "use-seed")
           || g_str_equal (key, "seed"))
    {
      refresh_key (self);
      _veil_window_rebuild_bank (self);
    }
}

static void
on_active_key_changed_cb (VeilKeyList *list,
                          VeilWindow  *self)
{
  refresh_key (self);
  _veil_window_rebuild_bank (self);
}

void
_veil_window_preview_init (VeilWindow *self)
{
  self->preview_job = veil_preview_job_new ();
  g_signal_connect (self->preview_job, "updated", G_CALLBACK (on_preview_updated_cb), self);
  g_signal_connect (self->preview_job, "failed", G_CALLBACK (on_preview_failed_cb), self);
  g_signal_connect (self->compare_view, "resized", G_CALLBACK (on_compare_resized_cb), self);
  g_signal_connect_swapped (self->compare_view, "notify::zoom",
                            G_CALLBACK (_veil_window_update_zoom_label), self);
  /* Zooming in may need a larger decode: handled like a resize. */
  g_signal_connect (self->compare_view, "notify::zoom", G_CALLBACK (on_compare_zoom_cb), self);
  g_settings_bind (self->settings, "compare-mode", self->compare_view, "mode",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_parameters_changed_cb),
                           self, 0);
  g_signal_connect_object (veil_key_list_get_default (), "active-key-changed",
                           G_CALLBACK (on_active_key_changed_cb), self, 0);
  refresh_key (self);
  _veil_window_update_zoom_label (self);
}

void
_veil_window_preview_dispose (VeilWindow *self)
{
  if (self->preview_job != NULL)
    g_signal_handlers_disconnect_by_data (self->preview_job, self);
  /* The view may outlive the window by a moment (its "resized" comes from an idle). */
  if (self->compare_view != NULL)
    g_signal_handlers_disconnect_by_data (self->compare_view, self);
  g_clear_object (&self->preview_job);
  g_clear_pointer (&self->bank, veil_filter_bank_unref);
  g_clear_pointer (&self->key, veil_key_unref);
  g_clear_pointer (&self->seed_mix, g_free);
}
