// cxx_header.cpp - pel.h compiles as C++ and its declarations have C linkage:
// a missing extern "C" makes these calls unresolved (mangled names) at link.
#include <pel/pel.h>

#include <cstdio>
#include <cstring>

int main()
{
    pel_error err;
    pel_material mat;
    if (pel_material_preset("cu56zr44", &mat, &err) != PEL_OK)
        return 1;
    double T_c = 0.0;
    if (pel_equilibrium_Tc(&mat, &T_c, &err) != PEL_OK)
        return 1;
    long n = 0;
    if (pel_parse_long("42", "n", &n, &err) != PEL_OK || n != 42)
        return 1;
    std::printf("%s %s %.6f\n", pel_version(), pel_strerror(PEL_EINVAL), T_c);
    return std::strcmp(pel_version(), PEL_VERSION_STRING) != 0;
}
