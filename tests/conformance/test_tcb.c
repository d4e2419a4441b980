/* TCBs: priorities (recorded), yield, suspend and resume of a thread blocked in seL4_Recv. */
#include "check.h"
#include "tests.h"

#define EP TC_SLOT(0)

int test_tcb_priority_and_yield(void)
{
    seL4_CPtr tcb = tc_obj(seL4_TCBObject, 0), ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(tcb && ep);
    CHECK_EQ(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio + 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), seL4_MinPrio);
    CHECK_EQ(seL4_GetMR(1), seL4_MaxPrio);
    CHECK_EQ(seL4_TCB_SetPriority(tcb, ep, 10), seL4_InvalidCapability);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_OK(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, 100));
    seL4_Yield();
    return 0;
}

struct counter {
    seL4_Word count;
};

static void count_until_zero(void *arg)
{
    struct counter *c = arg;
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(EP, &badge);
        if (seL4_MessageInfo_get_label(info) == 0) {
            return;
        }
        c->count++;
    }
}

/* A suspended receiver leaves the endpoint queue (a non-blocking send then finds no one);
 * resumed, it receives again. */
int test_tcb_suspend_and_resume(void)
{
    struct counter c = {0};
    seL4_CPtr ep = tc_obj(seL4_EndpointObject, 0);
    CHECK(ep);
    plat_thread_t *t = tc_start("counter", count_until_zero, &c, 0, EP, ep, seL4_AllRights, 0);
    CHECK(t);
    seL4_Send(ep, seL4_MessageInfo_new(1, 0, 0, 0));
    CHECK_OK(seL4_TCB_Suspend(plat_thread_tcb(t)));
    seL4_NBSend(ep, seL4_MessageInfo_new(2, 0, 0, 0));
    CHECK_OK(seL4_TCB_Resume(plat_thread_tcb(t)));
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(plat_thread_join(t), 0);
    CHECK_EQ(c.count, 1);
    return 0;
}
