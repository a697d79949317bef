/* placeholder so the plot area library is never empty; real modules replace nothing here. */
typedef int pel_plot_area_nonempty;
