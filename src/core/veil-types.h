/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VeilKey VeilKey;
typedef struct _VeilFilterBank VeilFilterBank;
typedef struct _VeilDataset VeilDataset;
typedef struct _VeilImage VeilImage;

typedef enum {
  VEIL_KEY_KIND_SECRET, /* 256-bit secret from the OS CSPRNG */
  VEIL_KEY_KIND_SEED,   /* the paper's integer seed: reproducible, guessable */
} VeilKeyKind;

/* The kind of class-wise filter. */
typedef enum {
  VEIL_FILTER_KIND_BLUR, /* the paper's: random weights below p_b and one cell set to 1 */
  VEIL_FILTER_KIND_ECHO, /* beyond the paper: 1 at the centre, p_b at a class-wise offset */
} VeilFilterKind;

typedef enum {
  VEIL_OUTPUT_FORMAT_KEEP, /* the source's own format when it can be written, else PNG */
  VEIL_OUTPUT_FORMAT_PNG,
} VeilOutputFormat;

/* What happened to an image on its way through Veil besides protection, for the report. */
typedef enum {
  VEIL_IMAGE_NOTE_CONVERTED     = 1 << 0, /* its format cannot be written: saved in another
                                           * (HEIC/HEIF, AVIF → JPEG; GIF, PNM, TGA → PNG) */
  VEIL_IMAGE_NOTE_DEPTH_REDUCED = 1 << 1, /* 16 bits per sample read as 8 */
  VEIL_IMAGE_NOTE_FIRST_FRAME   = 1 << 2, /* animation or multi-page file: first frame only */
} VeilImageNotes;

/* Training resolution meaning "apply the filter as is", the paper's behaviour. */
#define VEIL_TRAINING_RES_NATIVE 0u

#define VEIL_KERNEL_SIZE_MIN 3u
#define VEIL_KERNEL_SIZE_MAX 31u

G_END_DECLS
