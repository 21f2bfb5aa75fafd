#!/usr/bin/env bash
# End-to-end (issue 8, capabilities 1 and 4): the exact set of failed and
# delayed addresses of classic notice templates, each once, in lower case
# (the returned original's To/Cc, the bounce's own From/To, postmaster and
# addresses only quoted in an error text or a Received line are never
# failures); recipient fallback when a DSN's Final-Recipient is unusable;
# and messages that are no failures.  Each row names a sample and the
# addresses analyze must report as failed (=f) or delayed (=d), sorted;
# "-" means no failure or delay; "?=f" stands for a bounce naming no address.
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
. "$root/tests/e2e/lib/failed-sets.sh"
check_failed_sets "$bin" <<'TABLE'
# exact sets, one per classic template family
postfix-three-failed-case-mailfrom.eml|hanna.roth@orchard.example=f ivo@pond.example=f jule@meadow.example=f
exim-three-failed-generated-mailfrom.eml|mona@river.example=f nils@river.example=f otto@lake.example=f
sendmail-three-fatal-received-for.eml|quinn@mill.example=f rosa@mill.example=f sam@farm.example=f
qmail-three-blocks-received-for.eml|vera@island.example=f walt@island.example=f xena@cove.example=f
exchange2010-ndr-two-recipients.eml|ada.lund@fjord.example=f boris@fjord.example=f
exchange2003-two-addresses-on-date.eml|fanny@bay.example=f gus@bay.example=f
notes-two-recipients-because.eml|ingo@timber.example=f jana@timber.example=f
messaging-server-two-recipients.eml|lisa@sunrise.example=f malte@sunrise.example=f
imail-two-recipients.eml|paula@pine.example=f quentin@pine.example=f
groupwise-two-undeliverable.eml|tore@county.example=f ulla@county.example=f
yahoo-legacy-two-addresses.eml|xavi@dunes.example=f yola@dunes.example=f
hotmail-legacy-two-recipients.eml|bea@canyon.example=f cyd@canyon.example=f
aol-legacy-screen-fatal.eml|egon@aol-legacy.example=f fritz@aol-legacy.example=f
compuserve-legacy-receiver-not-found.eml|lars@compuserve-legacy.example=f
ms-smtpsvc-two-hostunknown.eml|hugo@nowhere-host.example=f iris@nowhere-host.example=f
mailman-uncaught-bounce-attached.eml|nell@thimble.example=f
# a display name before <addr>; a sender only quoted in the error text
notice-display-names-quoted-sender.eml|hans@tulip.example=f ida@tulip.example=f jan@rose.example=f
# a failure notice whose reason is a deferral gave up: failed, not delayed
postfix-delay-and-failed-text.eml|xia@orchard.example=f yusuf@sleepyhost.example=f
# delay warnings: temporary
domino-delay-notice.eml|sina@bigforest.example=d
groupwise-delay-notice.eml|una@far-county.example=d
exim-delay-two-recipients.eml|vito@slowbay.example=d wilma@slowbay.example=d
gmail-delay-message-to-delayed.eml|vanya@slow-harbor.example=d
# a warning that also lists a permanent failure keeps both
sendmail-warning-with-fatal-section.eml|yara@vineyard.example=f zack@slowgrape.example=d
exchange-text-failed-and-delayed.eml|ansel@quarry.example=f bodil@slowquarry.example=d
# recipient fallback: file, missing, <>, garbage, @host, "Name <addr>", "addr (Name)",
# X-Actual-Recipient of a pipe; a recipient two blocks name is one
dsn-final-recipient-file-missing-xfailed.eml|abby@dale.example=f bram@dale.example=f
dsn-final-recipient-empty-garbage-route.eml|eli@stream.example=f fenna@stream.example=f gil@creek.example=f
dsn-final-recipient-display-actual-duplicate.eml|abe@fen.example=f bess@fen.example=f help@tarn.example=f
# no failure
dsn-delivered-success-two.eml|-
autoreply-out-of-office-auto-submitted.eml|-
list-confirmation-request.eml|-
majordomo-nonmember-submission.eml|-
# a bounce that names no address is still a bounce
notice-no-address-failure.eml|?=f
# a DSN whose only recipient is a pipe nothing names the address of
dsn-pipe-nothing-names-address.eml|?=f
TABLE
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
