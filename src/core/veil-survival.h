/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "veil-types.h"

G_BEGIN_DECLS

/* Filled in by the survival-report work (issue 6). */

G_END_DECLS
