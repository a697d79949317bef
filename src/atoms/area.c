/* placeholder so the atoms area library is never empty; real modules replace nothing here. */
typedef int pel_atoms_area_nonempty;
