/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* libveil: everything the CLI and the application use. No GTK. */
#include "veil-types.h"
#include "veil-error.h"
#include "veil-key.h"
#include "veil-key-store.h"
#include "veil-filter-bank.h"
#include "veil-filter-decoy.h"
#include "veil-mix.h"
#include "veil-convolve.h"
#include "veil-detail.h"
#include "veil-protect.h"
#include "veil-protect-params.h"
#include "veil-preview.h"
#include "veil-image-formats.h"
#include "veil-image-io.h"
#include "veil-dataset.h"
#include "veil-export.h"
#include "veil-survival.h"
