/* placeholder so the art area library is never empty; real modules replace nothing here. */
typedef int pel_art_area_nonempty;
