/* A stand-in for Windows' bcryptprimitives.dll, for Wine 8 only.
 *
 * Rust's standard library (1.78 and later) imports ProcessPrng from bcryptprimitives.dll, which every
 * Windows 10 and 11 system has; Wine 8.0 does not ship it, so no Rust program or plugin loads there.
 * The smoke tests put this DLL into the private Wine prefix's system32 (never next to the plugin, and
 * never into a Windows install): it fills the buffer from RtlGenRandom (advapi32's SystemFunction036).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
