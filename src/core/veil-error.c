/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-core"

#include "veil-error.h"

G_DEFINE_QUARK (veil-error-quark, veil_error)
