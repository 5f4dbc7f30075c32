/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-preview-job"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "veil-error.h"
#include "veil-image-io.h"
#include "veil-pixel-zoom.h"
#include "veil-preview-job.h"

struct _VeilPreviewJob
{
  GObject         parent_instance;

  /* The selected image and its decode, kept across parameter changes. */
  char           *path;
  int             display_width;
  int             display_height;
  VeilImage      *image;
  GCancellable   *decode_cancellable;

  /* Parameters of the next update. */
  VeilFilterBank *bank;
  guint           class_index;
  guint           training_res;
  gboolean        protect;
  gboolean        keep_detail;
  gboolean        model_view;

  guint           debounce_id;
  GCancellable   *compute_cancellable;
  gint64          last_start;           /* monotonic µs of the last update started */

  GdkTexture     *original;
  GdkTexture     *protected_image;
  GdkTexture     *difference;
  double          difference_gain;
};

G_DEFINE_FINAL_TYPE (VeilPreviewJob, veil_preview_job, G_TYPE_OBJECT)

enum { SIGNAL_UPDATED, SIGNAL_FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct
{
  char *path;
  int   width;
  int   height;
} DecodeData;

static void
decode_data_free (DecodeData *data)
{
  g_free (data->path);
  g_free (data);
}

static void schedule_update (VeilPreviewJob *self, guint delay_ms);

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DecodeData *data = task_data;
  GError *error = NULL;
  VeilImage *image;

  image = veil_image_load_at_size (data->path, data->width, data->height, cancellable, &error);
  if (image == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, image, (GDestroyNotify) veil_image_free);
}

static void
decode_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  VeilPreviewJob *self = VEIL_PREVIEW_JOB (source);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(GError) error = NULL;
  VeilImage *image;

  image = g_task_propagate_pointer (G_TASK (result), &error);
  if (cancellable != self->decode_cancellable)
    {
      /* A newer selection replaced this one. */
      g_clear_pointer (&image, veil_image_free);
      g_debug ("Stale preview decode dropped");
      return;
    }
  g_clear_object (&self->decode_cancellable);

  if (image == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[SIGNAL_FAILED], 0, error->message);
      return;
    }

  g_clear_pointer (&self->image, veil_image_free);
  self->image = image;
  schedule_update (self, 0);
}

static void
compute_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  VeilPreviewResult *result = veil_preview_compute (task_data, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) veil_preview_result_free);
}

static void
request_free (VeilPreviewRequest *request)
{
  g_clear_object (&request->original);
  g_clear_pointer (&request->bank, veil_filter_bank_unref);
  g_free (request);
}

static void
compute_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  VeilPreviewJob *self = VEIL_PREVIEW_JOB (source);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(VeilPreviewResult) preview = NULL;

  preview = g_task_propagate_pointer (G_TASK (result), &error);
  if (cancellable != self->compute_cancellable)
    {
      g_debug ("Stale preview update dropped");
      return;
    }
  g_clear_object (&self->compute_cancellable);

  if (preview == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[SIGNAL_FAILED], 0, error->message);
      return;
    }

  g_clear_object (&self->original);
  g_clear_object (&self->protected_image);
  g_clear_object (&self->difference);
  /* Textures that keep their pixbufs: the compare view enlarges from them without a download. */
  self->original = veil_pixel_zoom_texture_new (preview->original);
  self->protected_image = veil_pixel_zoom_texture_new (preview->protected_image);
  self->difference = veil_pixel_zoom_texture_new (preview->difference);
  self->difference_gain = preview->difference_gain;
  g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
}

static void
start_decode (VeilPreviewJob *self)
{
  g_autoptr(GTask) task = NULL;
  DecodeData *data;

  g_cancellable_cancel (self->decode_cancellable);
  g_clear_object (&self->decode_cancellable);
  self->decode_cancellable = g_cancellable_new ();
  data = g_new0 (DecodeData, 1);
  data->path = g_strdup (self->path);
  data->width = self->display_width;
  data->height = self->display_height;
  task = g_task_new (self, self->decode_cancellable, decode_done_cb, NULL);
  g_task_set_source_tag (task, start_decode);
  g_task_set_task_data (task, data, (GDestroyNotify) decode_data_free);
  g_task_run_in_thread (task, decode_thread);
}

/* As a model sees it means at the training resolution: a decode fitted to a small view may be
 * below R on its short side, and shrinking cannot bring it up to R. Decodes again, large enough,
 * and returns TRUE when it did (the update follows the decode). */
static gboolean
ensure_model_view_decode (VeilPreviewJob *self)
{
  int w, h, have, need;
  double factor;
  int box_width, box_height;

  if (!self->model_view || self->training_res == VEIL_TRAINING_RES_NATIVE)
    return FALSE;
  w = gdk_pixbuf_get_width (self->image->pixbuf);
  h = gdk_pixbuf_get_height (self->image->pixbuf);
  have = MIN (w, h);
  need = MIN ((int) self->training_res, MIN (self->image->source_width,
                                              self->image->source_height));
  if (have >= need)
    return FALSE;

  factor = (double) need / MAX (1, have);
  box_width = (int) ceil (w * factor) + 1;
  box_height = (int) ceil (h * factor) + 1;
  /* Never ask twice for the same box: a decoder that cannot give more is taken as it is. */
  if (box_width <= self->display_width && box_height <= self->display_height)
    return FALSE;
  g_debug ("Decoding again at %d × %d for the model view", box_width, box_height);
  self->display_width = MAX (self->display_width, box_width);
  self->display_height = MAX (self->display_height, box_height);
  start_decode (self);
  return TRUE;
}

static gboolean
debounce_cb (gpointer user_data)
{
  VeilPreviewJob *self = VEIL_PREVIEW_JOB (user_data);
  g_autoptr(GTask) task = NULL;
  VeilPreviewRequest *request;

  self->debounce_id = 0;
  if (self->image == NULL || (self->protect && self->bank == NULL))
    return G_SOURCE_REMOVE;
  if (self->decode_cancellable != NULL || ensure_model_view_decode (self))
    return G_SOURCE_REMOVE;

  /* Cancel and replace: only the newest parameters matter. */
  g_cancellable_cancel (self->compute_cancellable);
  g_clear_object (&self->compute_cancellable);
  self->compute_cancellable = g_cancellable_new ();

  /* The job gets its own references: the decode is never written to, the bank is immutable. */
  request = g_new0 (VeilPreviewRequest, 1);
  request->original = g_object_ref (self->image->pixbuf);
  request->source_width = self->image->source_width;
  request->source_height = self->image->source_height;
  request->bank = self->bank != NULL ? veil_filter_bank_ref (self->bank) : NULL;
  request->class_index = self->class_index;
  request->training_res = self->training_res;
  request->protect = self->protect;
  request->keep_detail = self->keep_detail;
  request->model_view = self->model_view;

  self->last_start = g_get_monotonic_time ();
  task = g_task_new (self, self->compute_cancellable, compute_done_cb, NULL);
  g_task_set_source_tag (task, debounce_cb);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, compute_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_update (VeilPreviewJob *self,
                 guint           delay_ms)
{
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  self->debounce_id = g_timeout_add (delay_ms, debounce_cb, self);
}

static void
veil_preview_job_dispose (GObject *object)
{
  VeilPreviewJob *self = VEIL_PREVIEW_JOB (object);

  g_clear_handle_id (&self->debounce_id, g_source_remove);
  g_cancellable_cancel (self->decode_cancellable);
  g_cancellable_cancel (self->compute_cancellable);
  g_clear_object (&self->decode_cancellable);
  g_clear_object (&self->compute_cancellable);
  g_clear_object (&self->original);
  g_clear_object (&self->protected_image);
  g_clear_object (&self->difference);
  G_OBJECT_CLASS (veil_preview_job_parent_class)->dispose (object);
}

static void
veil_preview_job_finalize (GObject *object)
{
  VeilPreviewJob *self = VEIL_PREVIEW_JOB (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->image, veil_image_free);
  g_clear_pointer (&self->bank, veil_filter_bank_unref);
  G_OBJECT_CLASS (veil_preview_job_parent_class)->finalize (object);
}

static void
veil_preview_job_class_init (VeilPreviewJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = veil_preview_job_dispose;
  object_class->finalize = veil_preview_job_finalize;

  signals[SIGNAL_UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
veil_preview_job_init (VeilPreviewJob *self)
{
  self->protect = TRUE;
}

VeilPreviewJob *
veil_preview_job_new (void)
{
  return g_object_new (VEIL_TYPE_PREVIEW_JOB, NULL);
}

void
veil_preview_job_set_image (VeilPreviewJob *self,
                            const char     *path,
                            int             display_width,
                            int             display_height)
{
  g_return_if_fail (VEIL_IS_PREVIEW_JOB (self));

  display_width = MAX (display_width, 64);
  display_height = MAX (display_height, 64);

  if (g_strcmp0 (path, self->path) == 0)
    {
      /* Same file: decode again only if the view grew well beyond the decode and the file has
       * more pixels to give. */
      gboolean grew = self->image != NULL
        && (display_width > gdk_pixbuf_get_width (self->image->pixbuf) * 5 / 4
            || display_height > gdk_pixbuf_get_height (self->image->pixbuf) * 5 / 4)
        && (self->image->source_width > gdk_pixbuf_get_width (self->image->pixbuf)
            || self->image->source_height > gdk_pixbuf_get_height (self->image->pixbuf));

      if (!grew)
        return;
    }

  g_free (self->path);
  self->path = g_strdup (path);
  self->display_width = display_width;
  self->display_height = display_height;

  g_cancellable_cancel (self->decode_cancellable);
  g_clear_object (&self->decode_cancellable);
  g_cancellable_cancel (self->compute_cancellable);
  g_clear_object (&self->compute_cancellable);
  g_clear_handle_id (&self->debounce_id, g_source_remove);

  if (path == NULL)
    {
      g_clear_pointer (&self->image, veil_image_free);
      g_clear_object (&self->original);
      g_clear_object (&self->protected_image);
      g_clear_object (&self->difference);
      g_signal_emit (self, signals[SIGNAL_UPDATED], 0);
      return;
    }

  start_decode (self);
}

void
veil_preview_job_set_parameters (VeilPreviewJob *self,
                                 VeilFilterBank *bank,
                                 guint           class_index,
                                 guint           training_res,
                                 gboolean        protect,
                                 gboolean        keep_detail,
                                 gboolean        model_view)
{
  g_return_if_fail (VEIL_IS_PREVIEW_JOB (self));

  if (bank != self->bank)
    {
      g_clear_pointer (&self->bank, veil_filter_bank_unref);
      self->bank = bank != NULL ? veil_filter_bank_ref (bank) : NULL;
    }
  self->class_index = class_index;
  self->training_res = training_res;
  self->protect = protect;
  self->keep_detail = keep_detail;
  self->model_view = model_view;

  if (self->image == NULL)
    return;

  /* A lone change starts at once (the preview follows a click without delay); changes that
   * come in a burst, as while dragging a slider, are coalesced to one update per debounce. */
  if (self->debounce_id == 0 && self->compute_cancellable == NULL
      && g_get_monotonic_time () - self->last_start >= VEIL_PREVIEW_DEBOUNCE_MS * 1000)
    schedule_update (self, 0);
  else if (self->debounce_id == 0)
    schedule_update (self, VEIL_PREVIEW_DEBOUNCE_MS);
}

GdkTexture *
veil_preview_job_get_original (VeilPreviewJob *self)
{
  g_return_val_if_fail (VEIL_IS_PREVIEW_JOB (self), NULL);
  return self->original;
}

GdkTexture *
veil_preview_job_get_protected (VeilPreviewJob *self)
{
  g_return_val_if_fail (VEIL_IS_PREVIEW_JOB (self), NULL);
  return self->protected_image;
}

GdkTexture *
veil_preview_job_get_difference (VeilPreviewJob *self)
{
  g_return_val_if_fail (VEIL_IS_PREVIEW_JOB (self), NULL);
  return self->difference;
}

double
veil_preview_job_get_difference_gain (VeilPreviewJob *self)
{
  g_return_val_if_fail (VEIL_IS_PREVIEW_JOB (self), 1.0);
  return self->difference_gain;
}

void
veil_preview_job_get_source_size (VeilPreviewJob *self,
                                  int            *width,
                                  int            *height)
{
  g_return_if_fail (VEIL_IS_PREVIEW_JOB (self));

  *width = self->image != NULL ? self->image->source_width : 0;
  *height = self->image != NULL ? self->image->source_height : 0;
}

gboolean
veil_preview_job_is_busy (VeilPreviewJob *self)
{
  g_return_val_if_fail (VEIL_IS_PREVIEW_JOB (self), FALSE);
  return self->debounce_id != 0 || self->decode_cancellable != NULL
         || self->compute_cancellable != NULL;
}
