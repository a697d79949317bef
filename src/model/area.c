/* placeholder so the model area library is never empty; real modules replace nothing here. */
typedef int pel_model_area_nonempty;
