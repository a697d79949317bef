/* placeholder so the fit area library is never empty; real modules replace nothing here. */
typedef int pel_fit_area_nonempty;
