"""The starting text of each public page, shipped with the app and shown until a programme manager edits it.

Written for the local area running this copy (SENDPLAN_LOCAL_AREA) from what the app actually does: the cookie
names come from settings, so the cookies page cannot list a cookie the app no longer sets. Bracketed words are
for the local area to fill in; the accessibility statement follows the sections of the GOV.UK model statement.
"""

from datetime import date

from django.conf import settings

# When this starting text was written and the app tested against it: a page nobody has edited is "last updated" then.
SHIPPED_ON = date(2026, 12, 6)


def default_body(kind: str) -> str:
    return {"accessibility": _accessibility, "privacy": _privacy, "cookies": _cookies}[kind]()


def _accessibility() -> str:
    area = settings.SENDPLAN_LOCAL_AREA
    service = settings.SENDPLAN_BRAND_NAME
    idle, hours = settings.SESSION_IDLE_MINUTES, settings.SESSION_MAX_HOURS
    return f"""This accessibility statement applies to the {service} website run by {area}, including its public \
progress reports (the Local Offer pages) and the pages staff and partners sign in to.

This website is run by {area}. We want as many people as possible to be able to use it. For example, that means \
you should be able to:

- change colours, contrast levels and fonts using browser or device settings
- zoom in up to 400% without the text spilling off the screen
- navigate most of the website using a keyboard or speech recognition software
- listen to most of the website using a screen reader (including the most recent versions of JAWS, NVDA and \
VoiceOver)

We have also made the website text as simple as possible to understand.

AbilityNet has advice on making your device easier to use if you have a disability: \
https://mcmw.abilitynet.org.uk/

## How accessible this website is

We know some parts of this website are not fully accessible:

- each termly progress report is published as a web page and as a PDF. The PDF is tagged (PDF/UA-1), but a PDF \
reader may still read some tables and charts less well than the web page, which has the same content: use the \
web page if the PDF does not work for you
- charts show a table of the same figures beside them; the charts themselves are not meant to be read alone
- files added as evidence by the people updating actions (documents, spreadsheets, PDFs) are not checked for \
accessibility before they are shared with the board
- spreadsheets downloaded from the website (plan exports and templates) may be hard to use with a screen reader
- some wide tables, such as editing an area's actions as a sheet, scroll sideways on a small screen
- you are signed out after {idle} minutes without activity (a message two minutes before lets you stay signed in, \
and a form left open is kept for you to check after you sign in again), and after {hours} hours whatever you do

## Feedback and contact information

If you need information on this website in a different format like accessible PDF, large print, easy read, \
audio recording or braille:

- email [contact email address]
- call [telephone number]

We'll consider your request and get back to you in [number] working days.

## Reporting accessibility problems with this website

We're always looking to improve the accessibility of this website. If you find any problems not listed on this \
page or think we're not meeting accessibility requirements, contact [contact email address]. We aim to reply \
within [number] working days.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites \
and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the 'accessibility regulations'). If you're not \
happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS): \
https://www.equalityadvisoryservice.com/

If you are in Northern Ireland and are not happy with how we respond to your complaint you can contact the \
Equality Commission for Northern Ireland (ECNI), who are responsible for enforcing the accessibility \
regulations in Northern Ireland: https://www.equalityni.org/

## Technical information about this website's accessibility

{area} is committed to making its website accessible, in accordance with the Public Sector Bodies (Websites and \
Mobile Applications) (No. 2) Accessibility Regulations 2018.

### Compliance status

This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, due \
to the non-compliances listed below.

## Non-accessible content

The content listed below is non-accessible for the following reasons.

### Non-compliance with the accessibility regulations

- Evidence files added by the people updating actions may fail several success criteria, for example 1.1.1 \
(non-text content) and 1.3.1 (info and relationships). We ask people to add accessible documents; a file is \
shared on the public pages only when it is marked publishable, beside the report that publishes its update.
- People who sign in are signed out after {idle} minutes without activity. Two minutes before, a message \
offers to keep them signed in (success criterion 2.2.1, timing adjustable), and a form left open is kept for \
them to check and submit after they sign in again. The sign-in itself lasts at most {hours} hours.

### Content that's not within the scope of the accessibility regulations

PDFs and other documents published before 23 September 2018 are not within scope, unless they are needed to \
use a service. Termly report PDFs are always published with a web page of the same report.

## What we're doing to improve accessibility

The website's pages are checked automatically against WCAG 2.2 AA (with axe-core), at desktop and phone \
widths, each time the software changes. [Describe any further testing, for example by disabled users.]

## Preparation of this accessibility statement

This statement was prepared on 6 December 2026. It was last reviewed on 6 December 2026.

This website was last tested on 6 December 2026 against the WCAG 2.2 AA standard. The test was carried out by \
the makers of the software, with automated checks (axe-core) of the website's pages. [Update these dates, \
and say who tested and how, when you review this statement.]
"""


def _privacy() -> str:
    area = settings.SENDPLAN_LOCAL_AREA
    service = settings.SENDPLAN_BRAND_NAME
    return f"""This privacy notice explains how {area} uses personal information in the {service} website, which \
the local area partnership uses to plan and track its improvements to special educational needs and \
disabilities (SEND) services.

## Who we are

{area} is the data controller for the personal information in this website. [Name the organisation or \
organisations that are controllers, and the data protection officer's contact details.]

## What we record

- accounts: the name, username and email address of each person who signs in, their role, when they last signed \
in, and their two-factor authentication device if they use one
- officers: the names and job titles of the people who lead actions and areas of the plan, and which \
organisation they work for. Some names are published in the public progress reports; a name marked not for \
publication is never shown there
- what people write: progress updates, ratings, evidence files, comments, challenges, board minutes and decisions, \
with who wrote them and when
- the history of changes: every change to the plan's records keeps who made it, when and what it was before
- security logs: sign-ins, failed sign-ins, password resets and refused requests, with the time and the \
computer's internet (IP) address, to keep the website and its data safe
- cookies: only the ones the website needs to work (see the cookies page)

The website is not meant to hold information about individual children or families. Do not write it in \
updates, comments or evidence files.

## Why we use it and our lawful basis

We use this information to run and report on the local area's SEND improvement plan, to let each person do \
their part of it, and to keep a record of who changed what.

Our lawful basis is: [to be edited by the data protection officer, for example public task (UK GDPR article \
6(1)(e)) for running the improvement plan, and legitimate interests for security logs].

## How long we keep it

- the plan's records and their history: [for example, for as long as the plan runs and then six years]
- accounts: until the account is closed, then [number] months
- security logs: [number] months
- published progress reports: they stay published, as the public record of the plan

## Who we share it with

The partner organisations working on the plan see what their role lets them see. Published progress reports are \
public. [Name any suppliers that host or support the website.] We do not sell personal information or use it \
for marketing.

## Your rights

You have the right to ask for a copy of the information we hold about you, to have it corrected, and in some \
cases to have it deleted, to restrict or object to how we use it. To do so, contact [contact email address].

If you are unhappy with how we have used your information, you can complain to the Information Commissioner's \
Office (ICO): https://ico.org.uk/make-a-complaint/

## Contact

Email [contact email address] or write to [postal address].
"""


def _cookies() -> str:
    service = settings.SENDPLAN_BRAND_NAME
    session_hours = settings.SESSION_COOKIE_AGE // 3600
    return f"""Cookies are small files saved on your phone, tablet or computer when you visit a website.

The {service} website uses only the cookies it needs to work. It does not use analytics, advertising or any \
other cookies that track you, so it does not ask for your consent.

## Strictly necessary cookies

- {settings.SESSION_COOKIE_NAME}: keeps you signed in as you move from page to page, and remembers your place \
while you sign in. It expires after {session_hours} hours, or when you sign out
- {settings.CSRF_COOKIE_NAME}: protects the website's forms, by checking that a form sent to the website came \
from the website. It expires after one year
- messages: carries a short confirmation (such as "Update saved") to the next page you see. It is deleted once \
the message is shown

Visitors who only read the public progress reports are given no cookies.
"""
