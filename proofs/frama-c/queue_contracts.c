/*
 * The unit WP proves the queue's contracts in: queue.h itself, with nothing added — no axiom, no
 * lemma, no harness — so that what is proved is exactly what the product compiles.
 */
#include <sel4bridge/queue.h>
