/* pel.h - every public header of libpel. */
#ifndef PEL_PEL_H
#define PEL_PEL_H

#include "pel/version.h"
#include "pel/error.h"
#include "pel/util.h"
#include "pel/stats.h"
#include "pel/csv.h"
#include "pel/spectrum.h"
#include "pel/material.h"
#include "pel/equilibrium.h"
#include "pel/protocol.h"
#include "pel/evolve.h"
#include "pel/opt.h"
#include "pel/system.h"
#include "pel/eam.h"
#include "pel/engine.h"
#include "pel/neighbor.h"
#include "pel/md.h"
#include "pel/minimize.h"
#include "pel/mdrun.h"
#include "pel/quench.h"
#include "pel/traj.h"
#include "pel/lanczos.h"
#include "pel/art.h"
#include "pel/art_run.h"
#include "pel/catalog.h"
#include "pel/neb.h"
#include "pel/fit.h"
#include "pel/calibrate.h"
#include "pel/plot.h"

#endif
