"""Use cases, one package per step of the flow:

- `plan`: the rituals and the directory into stored meetings; moves, cancellations, proposals;
- `deliver`: what is due into the outbox, rendered at send time and sent; the digest;
- `publish`: feeds, public pages, the workspace's pages, the agenda and the year report;
- `answer`: RSVP links, slot choices, calendar replies, attendance, unsubscriptions;
- `directory`: the organisations, contacts and conventions imported from spreadsheets;
- `access`: signed links and the facilitators' sign-in;

and `wake`, how a use case that changed the store wakes the daemon. Queries live in
`scheduler.store`; these packages open the transactions and call the pure core.
"""
