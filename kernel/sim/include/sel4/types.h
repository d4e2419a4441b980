/*
 * libsel4's types and constants for x86_64 (non-MCS), as the host model provides them: the same
 * names, types, numeric values and bit layouts as libsel4, so code compiles unchanged on either.
 */
#pragma once

#include <stdint.h>

#define LIBSEL4_INLINE_FUNC static inline
#define LIBSEL4_BIT(n) (1ul << (n))
#define SEL4_FORCE_LONG_ENUM(type) _enum_pad_##type = ((1ULL << ((sizeof(long) * 8) - 1)) - 1)

typedef signed char seL4_Int8;
typedef unsigned char seL4_Uint8;
typedef signed short seL4_Int16;
typedef unsigned short seL4_Uint16;
typedef signed int seL4_Int32;
typedef unsigned int seL4_Uint32;
typedef signed long seL4_Int64;
typedef unsigned long seL4_Uint64;
typedef seL4_Int8 seL4_Bool;
#define seL4_True 1
#define seL4_False 0
#define seL4_Null ((void *)0)

typedef seL4_Uint64 seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_X86_Page;
typedef seL4_CPtr seL4_X64_PML4;
typedef seL4_Word seL4_Domain;
#define seL4_NilData 0

/* sel4_arch/constants.h (x86_64) */
#define seL4_WordBits 64
#define seL4_WordSizeBits 3
#define seL4_PageBits 12
#define seL4_SlotBits 5
#define seL4_TCBBits 11
#define seL4_EndpointBits 4
#define seL4_NotificationBits 5
#define seL4_PML4Bits 12
#define seL4_VSpaceBits seL4_PML4Bits
#define seL4_LargePageBits 21
#define seL4_HugePageBits 30
#define seL4_MinUntypedBits 4
#define seL4_MaxUntypedBits 47
#define seL4_FastMessageRegisters 4
#define seL4_IPCBufferSizeBits 10
#define seL4_GuardSizeBits 6
#define seL4_GuardBits 58
#define seL4_BadgeBits 64
#define seL4_UntypedRetypeMaxObjects 256
#define seL4_DataFault 0
#define seL4_InstructionFault 1

/* errors.h */
typedef enum {
    seL4_NoError = 0,
    seL4_InvalidArgument,
    seL4_InvalidCapability,
    seL4_IllegalOperation,
    seL4_RangeError,
    seL4_AlignmentError,
    seL4_FailedLookup,
    seL4_TruncatedMessage,
    seL4_DeleteFirst,
    seL4_RevokeFirst,
    seL4_NotEnoughMemory,
    seL4_NumErrors
} seL4_Error;

/* constants.h */
enum priorityConstants { seL4_InvalidPrio = -1, seL4_MinPrio = 0, seL4_MaxPrio = 255 };
enum seL4_MsgLimits { seL4_MsgLengthBits = 7, seL4_MsgExtraCapBits = 2, seL4_MsgMaxLength = 120 };
#define seL4_MsgMaxExtraCaps (LIBSEL4_BIT(seL4_MsgExtraCapBits) - 1)
#define seL4_CapRightsBits 4

typedef enum {
    seL4_NoFailure = 0,
    seL4_InvalidRoot,
    seL4_MissingCapability,
    seL4_DepthMismatch,
    seL4_GuardMismatch,
    SEL4_FORCE_LONG_ENUM(seL4_LookupFailureType),
} seL4_LookupFailureType;

/*
 * objecttype.h + sel4_arch/objecttype.h + arch/objecttype.h, numbered as in the x86_64 kernel
 * configuration the project expects (seL4's pc99 defaults: CONFIG_HUGE_PAGE and CONFIG_IOMMU on,
 * CONFIG_VTX off); checked against the libsel4 of an installed seL4 16.0.0 build.
 */
typedef enum api_object {
    seL4_UntypedObject,
    seL4_TCBObject,
    seL4_EndpointObject,
    seL4_NotificationObject,
    seL4_CapTableObject,
    seL4_NonArchObjectTypeCount,
} seL4_ObjectType;
typedef enum _mode_object {
    seL4_X86_PDPTObject = seL4_NonArchObjectTypeCount,
    seL4_X64_PML4Object,
    seL4_X64_HugePageObject,
    seL4_ModeObjectTypeCount
} seL4_seL4ArchObjectType;
typedef enum _object {
    seL4_X86_4K = seL4_ModeObjectTypeCount,
    seL4_X86_LargePageObject,
    seL4_X86_PageTableObject,
    seL4_X86_PageDirectoryObject,
    seL4_X86_IOPageTableObject,
    seL4_ObjectTypeCount
} seL4_ArchObjectType;
typedef seL4_Word api_object_t;
typedef seL4_Word object_t;

/* bootinfo_types.h: the initial thread's CNode layout */
enum seL4_RootCNodeCapSlots {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7,
    seL4_CapIOSpace = 8,
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11,
    seL4_CapSMMUSIDControl = 12,
    seL4_CapSMMUCBControl = 13,
    seL4_CapInitThreadSC = 14,
    seL4_CapSMC = 15,
    seL4_NumInitialCaps = 16
};
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

/*
 * shared_types.bf (mode 64): seL4_MessageInfo is label:52 | capsUnwrapped:3 | extraCaps:2 |
 * length:7 from the top bit down; seL4_CapRights is grantReply:1 | grant:1 | read:1 | write:1 in
 * the low four bits; seL4_CNode_CapData is guard:58 | guardSize:6.
 */
typedef struct seL4_MessageInfo {
    seL4_Uint64 words[1];
} seL4_MessageInfo_t;

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Uint64 label, seL4_Uint64 capsUnwrapped,
                                                           seL4_Uint64 extraCaps, seL4_Uint64 length)
{
    seL4_MessageInfo_t m;
    m.words[0] = ((label & 0xfffffffffffffull) << 12) | ((capsUnwrapped & 0x7ull) << 9) |
                 ((extraCaps & 0x3ull) << 7) | (length & 0x7full);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_label(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 12) & 0xfffffffffffffull;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~(0xfffffffffffffull << 12)) | ((v & 0xfffffffffffffull) << 12);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 9) & 0x7ull;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_capsUnwrapped(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~(0x7ull << 9)) | ((v & 0x7ull) << 9);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 7) & 0x3ull;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_extraCaps(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~(0x3ull << 7)) | ((v & 0x3ull) << 7);
    return m;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_length(seL4_MessageInfo_t m)
{
    return m.words[0] & 0x7full;
}
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Uint64 v)
{
    m.words[0] = (m.words[0] & ~0x7full) | (v & 0x7full);
    return m;
}

typedef struct seL4_CapRights {
    seL4_Uint64 words[1];
} seL4_CapRights_t;

LIBSEL4_INLINE_FUNC seL4_CapRights_t seL4_CapRights_new(seL4_Uint64 capAllowGrantReply, seL4_Uint64 capAllowGrant,
                                                       seL4_Uint64 capAllowRead, seL4_Uint64 capAllowWrite)
{
    seL4_CapRights_t r;
    r.words[0] = ((capAllowGrantReply & 1) << 3) | ((capAllowGrant & 1) << 2) | ((capAllowRead & 1) << 1) |
                 (capAllowWrite & 1);
    return r;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_capAllowGrantReply(seL4_CapRights_t r)
{
    return (r.words[0] >> 3) & 1;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_capAllowGrant(seL4_CapRights_t r)
{
    return (r.words[0] >> 2) & 1;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_capAllowRead(seL4_CapRights_t r)
{
    return (r.words[0] >> 1) & 1;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_capAllowWrite(seL4_CapRights_t r)
{
    return r.words[0] & 1;
}

#define seL4_ReadWrite seL4_CapRights_new(0, 0, 1, 1)
#define seL4_AllRights seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant seL4_CapRights_new(0, 1, 0, 0)
#define seL4_CanGrantReply seL4_CapRights_new(1, 0, 0, 0)
#define seL4_NoWrite seL4_CapRights_new(1, 1, 1, 0)
#define seL4_NoRead seL4_CapRights_new(1, 1, 0, 1)
#define seL4_NoRights seL4_CapRights_new(0, 0, 0, 0)

typedef struct seL4_CNode_CapData {
    seL4_Uint64 words[1];
} seL4_CNode_CapData_t;

LIBSEL4_INLINE_FUNC seL4_CNode_CapData_t seL4_CNode_CapData_new(seL4_Uint64 guard, seL4_Uint64 guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = ((guard & 0x3ffffffffffffffull) << 6) | (guardSize & 0x3full);
    return d;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guard(seL4_CNode_CapData_t d)
{
    return (d.words[0] >> 6) & 0x3ffffffffffffffull;
}
LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guardSize(seL4_CNode_CapData_t d)
{
    return d.words[0] & 0x3full;
}

/* shared_types.h: the IPC buffer, one 1 KiB block aligned to its size as in libsel4. */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(sizeof(struct seL4_IPCBuffer_))));

/* Fault labels: arch/shared_types.bf (x86, non-MCS, no hardware debug API). */
typedef enum {
    seL4_Fault_NullFault = 0,
    seL4_Fault_CapFault = 1,
    seL4_Fault_UnknownSyscall = 2,
    seL4_Fault_UserException = 3,
    seL4_Fault_VMFault = 5,
} seL4_FaultType;

/* Message-register layout of a cap fault (shared_types.h). */
typedef enum {
    seL4_CapFault_IP,
    seL4_CapFault_Addr,
    seL4_CapFault_InRecvPhase,
    seL4_CapFault_LookupFailureType,
    seL4_CapFault_BitsLeft,
    seL4_CapFault_DepthMismatch_BitsFound,
    seL4_CapFault_GuardMismatch_GuardFound = seL4_CapFault_DepthMismatch_BitsFound,
    seL4_CapFault_GuardMismatch_BitsFound,
    SEL4_FORCE_LONG_ENUM(seL4_CapFault_Msg),
} seL4_CapFault_Msg;

/* Message-register layout of a VM fault (sel4_arch/constants.h, x86_64). */
typedef enum {
    seL4_VMFault_IP,
    seL4_VMFault_Addr,
    seL4_VMFault_PrefetchFault,
    seL4_VMFault_FSR,
    seL4_VMFault_Length,
    SEL4_FORCE_LONG_ENUM(seL4_VMFault_Msg),
} seL4_VMFault_Msg;

/* arch/types.h (x86) */
typedef enum {
    seL4_X86_Default_VMAttributes = 0,
    seL4_X86_WriteBack = 0,
    seL4_X86_WriteThrough = 1,
    seL4_X86_CacheDisabled = 2,
    seL4_X86_Uncacheable = 3,
    seL4_X86_WriteCombining = 4,
    SEL4_FORCE_LONG_ENUM(seL4_X86_VMAttributes),
} seL4_X86_VMAttributes;

_Static_assert(sizeof(seL4_IPCBuffer) == (1 << seL4_IPCBufferSizeBits), "IPC buffer is 1 KiB as on x86_64");
