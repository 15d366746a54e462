/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#define VIGIL_INSIDE

#include "vigil-process.h"
#include "vigil-incident.h"
#include "vigil-op.h"
#include "vigil-forms.h"
#include "vigil-evidence.h"
#include "vigil-store.h"
#include "vigil-workspace.h"
#include "vigil-calendar.h"
#include "vigil-dora.h"
#include "vigil-sync.h"
#include "vigil-notify.h"
#include "vigil-session.h"
#include "vigil-report.h"
#include "vigil-archive.h"
#include "vigil-figures.h"
#include "vigil-dora-report.h"
#include "vigil-dora-profile.h"
#include "vigil-reminders.h"

#undef VIGIL_INSIDE
