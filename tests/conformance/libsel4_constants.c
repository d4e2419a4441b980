/*
 * Host tool: prints libsel4's constants, layouts and bitfield encodings as the <sel4/sel4.h> it is
 * compiled against defines them. Built once against the host model's headers and once against
 * an installed seL4's libsel4, the two outputs must be identical (check_constants.cmake).
 *
 * The host model's libsel4 is x86_64's. With SB_CONSTANTS_X86_64 (an x86_64 install) everything
 * is compared; against another architecture's libsel4, what seL4 defines alike on every
 * architecture, without the lines marked x86_64: its object types (each architecture numbers its
 * own). SB_CONSTANTS_AARCH64 (an AArch64 install) adds the two that AArch64 shares with x86_64
 * and RISC-V does not: the untyped size limit (the address space: 47 bits on both, 38 with
 * RISC-V's Sv39) and seL4_FastMessageRegisters (RISC-V's libsel4 does not define it; plat.h
 * says why).
 */
#include <sel4/sel4.h>
#include <stddef.h>
#include <stdio.h>

#define P(x) printf("%s=%ld\n", #x, (long)(x))

int main(void)
{
    P(seL4_NoError); P(seL4_InvalidArgument); P(seL4_InvalidCapability); P(seL4_IllegalOperation); P(seL4_RangeError);
    P(seL4_AlignmentError); P(seL4_FailedLookup); P(seL4_TruncatedMessage); P(seL4_DeleteFirst); P(seL4_RevokeFirst);
    P(seL4_NotEnoughMemory); P(seL4_NumErrors);
    P(seL4_MsgMaxLength); P(seL4_MsgMaxExtraCaps); P(seL4_MsgLengthBits); P(seL4_MsgExtraCapBits);
    P(seL4_WordBits); P(seL4_PageBits); P(seL4_SlotBits); P(seL4_TCBBits);
    P(seL4_EndpointBits); P(seL4_NotificationBits); P(seL4_IPCBufferSizeBits); P(seL4_MinUntypedBits);
    P(seL4_UntypedObject); P(seL4_TCBObject); P(seL4_EndpointObject); P(seL4_NotificationObject); P(seL4_CapTableObject);
#if defined(SB_CONSTANTS_X86_64) || defined(SB_CONSTANTS_AARCH64)
    P(seL4_FastMessageRegisters); P(seL4_MaxUntypedBits);
#endif
#ifdef SB_CONSTANTS_X86_64
    P(seL4_X86_4K); P(seL4_X64_PML4Object); P(seL4_X86_PDPTObject); P(seL4_X86_LargePageObject); P(seL4_X86_PageTableObject);
    P(seL4_X86_PageDirectoryObject); P(seL4_ObjectTypeCount);
#endif
    P(seL4_Fault_NullFault); P(seL4_Fault_CapFault); P(seL4_Fault_UnknownSyscall); P(seL4_Fault_UserException); P(seL4_Fault_VMFault);
    P(seL4_CapFault_IP); P(seL4_CapFault_Addr); P(seL4_CapFault_InRecvPhase); P(seL4_CapFault_LookupFailureType); P(seL4_CapFault_BitsLeft);
    P(seL4_CapFault_DepthMismatch_BitsFound); P(seL4_CapFault_GuardMismatch_GuardFound); P(seL4_CapFault_GuardMismatch_BitsFound);
    P(seL4_VMFault_IP); P(seL4_VMFault_Addr); P(seL4_VMFault_PrefetchFault); P(seL4_VMFault_FSR); P(seL4_VMFault_Length);
    P(seL4_InvalidRoot); P(seL4_MissingCapability); P(seL4_DepthMismatch); P(seL4_GuardMismatch);
    P(seL4_CapInitThreadTCB); P(seL4_CapInitThreadCNode); P(seL4_CapInitThreadVSpace); P(seL4_CapInitThreadIPCBuffer); P(seL4_NumInitialCaps);
    P(seL4_MaxPrio); P(seL4_MinPrio); P(seL4_UntypedRetypeMaxObjects); P(seL4_GuardSizeBits); P(seL4_GuardBits); P(seL4_BadgeBits);
    P(sizeof(seL4_IPCBuffer)); P(offsetof(seL4_IPCBuffer, msg)); P(offsetof(seL4_IPCBuffer, userData)); P(offsetof(seL4_IPCBuffer, caps_or_badges));
    P(offsetof(seL4_IPCBuffer, receiveCNode)); P(offsetof(seL4_IPCBuffer, receiveIndex)); P(offsetof(seL4_IPCBuffer, receiveDepth));
    P(_Alignof(seL4_IPCBuffer)); P(sizeof(seL4_MessageInfo_t)); P(sizeof(seL4_CapRights_t)); P(sizeof(seL4_Word));
    P(seL4_MessageInfo_new(0xabcde, 5, 3, 127).words[0]); P(seL4_MessageInfo_new(1, 2, 3, 4).words[0]);
    P(seL4_AllRights.words[0]); P(seL4_CanRead.words[0]); P(seL4_CanWrite.words[0]); P(seL4_CanGrant.words[0]); P(seL4_CanGrantReply.words[0]);
    P(seL4_NoWrite.words[0]); P(seL4_NoRead.words[0]); P(seL4_ReadWrite.words[0]); P(seL4_NoRights.words[0]);
    P(seL4_CNode_CapData_new(0x1234, 17).words[0]);
    seL4_MessageInfo_t m = seL4_MessageInfo_new(0, 0, 0, 0);
    m = seL4_MessageInfo_set_label(m, 77); m = seL4_MessageInfo_set_extraCaps(m, 2); m = seL4_MessageInfo_set_capsUnwrapped(m, 6); m = seL4_MessageInfo_set_length(m, 9);
    P(m.words[0]); P(seL4_MessageInfo_get_label(m)); P(seL4_MessageInfo_get_capsUnwrapped(m));
    return 0;
}
