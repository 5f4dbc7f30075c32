/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "veil-adjust-panel.h"
#include "veil-compare-view.h"
#include "veil-filter-bank.h"
#include "veil-image-item.h"
#include "veil-image-model.h"
#include "veil-key.h"
#include "veil-preview-job.h"
#include "veil-window.h"

G_BEGIN_DECLS

/* State shared by the files of VeilWindow: veil-window.c (the class), -open.c (opening and
 * scanning), -browse.c (classes and thumbnails), -preview.c (filters and the live preview),
 * -actions.c (actions and their enabled state). */
struct _VeilWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template children. */
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GtkBox               *recent_box;
  GtkListBox           *recent_list;
  GtkSpinner           *scan_spinner;
  GtkLabel             *scan_count_label;
  AdwStatusPage        *not_dataset_page;
  GtkLabel             *layout_example_label;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  GtkListView          *class_list;
  GtkLabel             *dataset_summary_label;
  GtkLabel             *single_class_label;
  GtkMenuButton        *skipped_button;
  GtkLabel             *skipped_label;
  GtkListBox           *skipped_list;
  AdwWindowTitle       *window_title;
  GtkBox               *key_chooser_box;
  AdwSqueezer          *export_squeezer;
  GtkWidget            *export_button;
  GtkWidget            *export_icon_button;
  GtkWidget            *adjust_button;
  AdwFlap              *flap;
  VeilAdjustPanel      *adjust_panel;
  GtkStack             *compare_stack;
  AdwStatusPage        *compare_status;
  VeilCompareView      *compare_view;
  AdwSqueezer          *compare_squeezer;
  GtkSpinner           *preview_spinner;
  GtkLabel             *preview_info_label;
  GtkWidget            *decoy_note;       /* over a photo of the decoy class */
  GtkLabel             *decoy_note_label;
  GtkLabel             *zoom_label;
  GtkGridView          *image_grid;

  /* Opening. */
  GCancellable         *scan_cancellable;
  guint                 scan_count_id;
  gint                  scan_found;       /* written by the scanning thread, atomically */
  char                 *previous_page;

  /* The open dataset. */
  VeilDataset          *dataset;
  GListStore           *class_store;      /* VeilClassItem */
  GtkSingleSelection   *class_selection;
  GtkSingleSelection   *image_selection;  /* over a VeilImageModel of the selected class */
  VeilImageItem        *selected_image;
  gboolean              small_hint_done;  /* the folder's first picture was judged
                                           * (veil-window-small-hint.c) */

  /* Protection and preview. */
  VeilKey              *key;              /* the active key, or a session key for previews */
  gboolean              key_is_temporary;
  VeilFilterBank       *bank;
  gboolean             *seed_mix;         /* per image, for a seed key with mix < 1 */
  VeilPreviewJob       *preview_job;
  guint                 bank_rebuild_id;
};

/* veil-window-open.c */
void     _veil_window_open_init          (VeilWindow *self);
void     _veil_window_open_dispose       (VeilWindow *self);
void     _veil_window_show_open_dialog   (VeilWindow *self);
void     _veil_window_cancel_scan        (VeilWindow *self);
void     _veil_window_update_recent      (VeilWindow *self);

/* veil-window-browse.c */
void     _veil_window_browse_init        (VeilWindow *self);
void     _veil_window_browse_dispose     (VeilWindow *self);
void     _veil_window_set_dataset        (VeilWindow *self,
                                          VeilDataset *dataset);
void     _veil_window_select_class       (VeilWindow *self,
                                          guint       class_index);
void     _veil_window_select_image       (VeilWindow *self,
                                          guint       position);
/* Fills the skipped files' list (done when its popover opens: there may be thousands). */
void     _veil_window_fill_skipped       (VeilWindow *self);

/* veil-window-preview.c */
void     _veil_window_preview_init       (VeilWindow *self);
void     _veil_window_preview_dispose    (VeilWindow *self);
/* Rebuilds the filter bank (k, p_b or the key changed) and refreshes heat-maps and preview. */
void     _veil_window_rebuild_bank       (VeilWindow *self);
/* The selected image or the view size changed. */
void     _veil_window_update_preview     (VeilWindow *self);
void     _veil_window_update_zoom_label  (VeilWindow *self);

/* veil-window-small-hint.c */
void     _veil_window_hint_small_pictures (VeilWindow *self,
                                           int         width,
                                           int         height);
void     _veil_window_use_small_images_preset (VeilWindow *self);

/* veil-window-actions.c */
void     _veil_window_class_actions_init (GtkWidgetClass *widget_class);
void     _veil_window_actions_init       (VeilWindow *self);
void     _veil_window_actions_update     (VeilWindow *self);
void     _veil_window_actions_dispose    (VeilWindow *self);

G_END_DECLS
