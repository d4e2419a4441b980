/*
 * The conformance suite: every test by name, as an X-macro list, so that a host main, ctest and
 * a seL4 root task can all iterate over the same tests. A test returns 0 when it passes.
 */
#pragma once

#define CONFORMANCE_TESTS(T)                                                                               \
    T(ep_call_reply)                                                                                       \
    T(ep_replyrecv_serves_many)                                                                            \
    T(ep_send_then_recv)                                                                                   \
    T(ep_nbsend_without_receiver_is_dropped)                                                               \
    T(ep_nbrecv_idle_returns_badge_zero)                                                                   \
    T(ep_max_length_message)                                                                               \
    T(ep_badges_identify_senders)                                                                          \
    T(ep_call_without_grant_gets_no_reply)                                                                 \
    T(ep_call_with_grantreply_only)                                                                        \
    T(ep_reply_without_caller_is_noop)                                                                     \
    T(ep_reply_to_caller_that_is_gone)                                                                     \
    T(ep_saved_caller_is_one_shot)                                                                         \
    T(ep_call_empty_slot_returns_error)                                                                    \
    T(ep_call_readonly_cap_returns_error)                                                                  \
    T(ep_nbrecv_takes_queued_sender)                                                                       \
    T(ep_recv_drops_unanswered_reply_cap)                                                                  \
    T(ep_deleted_under_blocked_senders)                                                                    \
    T(ep_cancel_badged_sends)                                                                              \
    T(ep_call_on_notification_signals)                                                                     \
    T(ep_nbsend_reaches_waiting_receiver)                                                                  \
    T(ep_many_clients_one_server)                                                                          \
    T(ep_reply_cap_moves_but_does_not_copy)                                                                \
    T(ep_resumed_caller_calls_again)                                                                       \
    T(ep_nbsend_bad_extra_cap_is_dropped)                                                                  \
    T(xfer_grant_transfers_cap)                                                                            \
    T(xfer_without_grant_drops_cap)                                                                        \
    T(xfer_full_receive_slot)                                                                              \
    T(xfer_unwrap_badged_cap_to_same_endpoint)                                                             \
    T(xfer_unwrap_then_transfer)                                                                           \
    T(xfer_reply_with_grant)                                                                               \
    T(xfer_reply_without_grant)                                                                            \
    T(xfer_reply_to_grantreply_caller)                                                                     \
    T(xfer_underivable_caps_are_not_sent)                                                                  \
    T(xfer_unwrap_unbadged_and_transfer_other_endpoint)                                                    \
    T(xfer_unusable_receive_path)                                                                          \
    T(ntfn_signal_wait)                                                                                    \
    T(ntfn_badges_or)                                                                                      \
    T(ntfn_poll_empty)                                                                                     \
    T(ntfn_bound_recv_gets_signal_and_message)                                                             \
    T(ntfn_bind_errors)                                                                                    \
    T(ntfn_signal_to_deleted_notification)                                                                 \
    T(ntfn_bound_thread_not_woken_during_call)                                                             \
    T(ntfn_delete_unbinds)                                                                                 \
    T(ntfn_unbadged_signal_wakes_with_zero)                                                                \
    T(ntfn_waiter_destroyed)                                                                               \
    T(cnode_mint_badge_and_rights)                                                                         \
    T(cnode_copy_errors)                                                                                   \
    T(cnode_move_and_mutate)                                                                               \
    T(cnode_revoke_deletes_descendants_everywhere)                                                         \
    T(cnode_untyped_copy_and_save_caller_errors)                                                           \
    T(cnode_delete_destroys_contents)                                                                      \
    T(cnode_two_level_lookup)                                                                              \
    T(cnode_mint_badge_zero)                                                                               \
    T(cnode_move_onto_itself_and_huge_cnode)                                                               \
    T(untyped_retype_objects)                                                                              \
    T(untyped_retype_out_of_memory)                                                                        \
    T(untyped_retype_argument_errors)                                                                      \
    T(untyped_child_covering_parent)                                                                       \
    T(untyped_reused_memory_is_zeroed)                                                                     \
    T(untyped_retype_window)                                                                               \
    T(untyped_vspace_without_asid_does_not_copy)                                                           \
    T(fault_recv_on_empty_slot)                                                                            \
    T(fault_revoked_cap_used_by_blocked_thread)                                                            \
    T(fault_none_while_object_lives)                                                                       \
    T(fault_call_bad_cptr)                                                                                 \
    T(fault_reply_restarts_thread)                                                                         \
    T(fault_without_handler_leaves_thread_inactive)                                                        \
    T(fault_recv_without_right_or_on_foreign_binding)                                                      \
    T(fault_bad_extra_cap)                                                                                 \
    T(fault_untyped_revoked_under_blocked_receiver)                                                        \
    T(fault_handler_cap_needs_grant)                                                                       \
    T(frame_shared_mapping)                                                                                \
    T(frame_access_after_revoke_is_vm_fault)                                                               \
    T(frame_unmap_then_access_faults)                                                                      \
    T(frame_readonly_cap_maps_readonly)                                                                    \
    T(frame_fault_reply_retries_access)                                                                    \
    T(tcb_priority_and_yield)                                                                              \
    T(tcb_suspend_and_resume)

#define T(name) int test_##name(void);
CONFORMANCE_TESTS(T)
#undef T
