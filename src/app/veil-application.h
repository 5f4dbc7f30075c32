/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define VEIL_TYPE_APPLICATION (veil_application_get_type ())
G_DECLARE_FINAL_TYPE (VeilApplication, veil_application, VEIL, APPLICATION, AdwApplication)

/* The single instance: `veil FOLDER` run again opens the folder in the running instance. */
VeilApplication *veil_application_new (void);

G_END_DECLS
