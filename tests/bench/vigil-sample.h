/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <vigil/vigil.h>

G_BEGIN_DECLS

/* Operations that create @n_incidents realistic incidents spread over the
 * year before @now and over the 15 steps; the same seed gives the same set. */
GPtrArray *vigil_sample_make_ops   (guint        n_incidents,
                                    guint32      seed,
                                    GDateTime   *now);
/* Applies vigil_sample_make_ops() to @store in one transaction. */
gboolean   vigil_sample_fill_store (VigilStore  *store,
                                    guint        n_incidents,
                                    guint32      seed,
                                    GError     **error);
/* Classifies every @every-th incident of @store as major under DORA, an
 * hour after awareness; a third of those reported the initial notification
 * two hours later. Incidents waiting for the lead (frozen) are skipped. */
gboolean   vigil_sample_add_dora   (VigilStore  *store,
                                    guint        every,
                                    GError     **error);

G_END_DECLS
