#!/usr/bin/env bash
# End-to-end (issue 8): bounce or not, and the exact set of failed and
# delayed addresses.  Each row names a sample and the addresses analyze
# must report as failed (=f) or delayed (=d), in lower case, sorted; "-" means none (not
# a bounce: an autoreply, a challenge, a receipt, a success notice).
set -u
bin=$1 root=$2
cd "$root" || exit 1
pass=0 fail=0
. "$root/tests/e2e/lib/failed-sets.sh"
check_failed_sets "$bin" <<'TABLE'
# exact sets
sendmail-dsn-fatal-and-transient.eml|alma@northwind.example=f bert@slowmail.example=d
sendmail-text-fatal-and-transient.eml|alma@northwind.example=f bert@slowmail.example=d
exim-failed-original-to-cc.eml|paul@riverside.example=f
postfix-text-dsn-same-address.eml|walter.kerr@lakeside.example=f
postfix-text-expanded-file-pipe.eml|orders@shop.example=f zeno@shop.example=f
sendmail-dsn-pipe-original-recipient.eml|dora@shop.example=f
exim-x-failed-recipients-only.eml|iris@meadow.example=f jonas@meadow.example=f
exchange-text-ndr-mailto.eml|mia.novak@fjord.example=f
qmail-two-recipients-queue-too-long.eml|rolf@valley.example=f sara@offline.example=f
sendmail-text-quoted-name-expanded.eml|ida.berg@shop.example=f
postfix-dsn-delayed.eml|xena@archive.example=d
exim-retry-timeout-file-generated.eml|lena@shop.example=f nadia@remote.example=f
exchange-dsn-angle-final-recipient.eml|pia.holm@bay.example=f
exchange55-did-not-reach-summary-to.eml|carl.moe@river.example=f
notes-was-not-delivered-to.eml|finn@forest.example=f
exchange2003-reached-display-name-only.eml|sid@partner.example=f tess@partner.example=f
netscape-undeliverable-smtp-addresses.eml|ivy@meadow.example=f
groupwise-undeliverable-to-following.eml|jan@valley.example=f
notice-subject-only-noreply-sender.eml|rita@hosted-mail.example=f
notice-message-to-rejected.eml|uma@hosted-mail.example=f vic@hosted-mail.example=f
notice-trailing-dot-mailto.eml|yan@harbor.example=f zed@harbor.example=f
# delay warnings: temporary
zoho-delay-host-not-reachable.eml|sven@offline.example=d
exchange-dsn-delay.eml|tilda@lagoon.example=d
sendmail-dsn-warning-4-hours.eml|vince@quiet.example=d
qmail-notify-delayed.eml|xaver@sleepy.example=d yuki@sleepy.example=d
notice-generic-delay-retried.eml|tom@busy-host.example=d
delay-exim-warning.eml|logistics@warehouse.example=d
delay-courier-text.eml|members@farm.example=d
delay-exchange-text.eml|accounts@branch.example=d
delay-gmail-temporary.eml|info@bakery.example=d
delay-sendmail-warning.eml|orders@slowhost.example=d
postfix-text-delay.eml|orders@slowpartner.example=d
sendmail-text-delay.eml|gardener@estate.example=d
courier-text-delay.eml|potter@artisan.example=d
opensmtpd-delay-networkerror.eml|sales@slowhost.example=d
gmail-delay-networkerror.eml|office@downhost.example=d
ms-smtpsvc-delay.eml|workshop@carpenter.example=d
# not bounces
autoreply-vacation.eml|-
autoreply-outlook-german.eml|-
autoreply-notes-abwesenheitsnotiz.eml|-
autoreply-french.eml|-
autoreply-italian-subject-only.eml|-
autoreply-spanish-precedence.eml|-
autoreply-japanese.eml|-
autoreply-vacation-delivery-failed-words.eml|-
challenge-tmda-confirm.eml|-
challenge-spamarrest-verify.eml|-
challenge-boxbe-guest-list.eml|-
challenge-human-check.eml|-
mailman-subscription-confirm.eml|-
mailman-welcome.eml|-
mdn-read-receipt.eml|-
outlook-read-receipt-text.eml|-
dsn-relayed-expanded-success.eml|-
sendmail-text-return-receipt.eml|-
reply-quoting-bounce.eml|-
spam-fake-bounce-subject.eml|-
not-bounce.eml|-
not-bounce-mentions-failed.eml|-
not-bounce-newsletter.eml|-
TABLE
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
