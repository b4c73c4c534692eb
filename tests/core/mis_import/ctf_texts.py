"""Hand-written CTFs for the reader's tests, in the layout of docs/ctf-format-findings.md.
Every person in them is invented; the UPNs are made with valid check letters."""

from __future__ import annotations

from pathlib import Path

from app.core.mis_import.upn import make_upn

UPN1 = make_upn(380, 2093, 1)
UPN2 = make_upn(380, 2093, 2)
UPN3 = make_upn(380, 2093, 3)


def header(version_tag: str = "CTFversion", version: str = "25.0", qualifier: str = "full") -> str:
    """Lines 1-15 of every fixture: the pupils start on line 16."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile>
  <Header>
    <DocumentName>Common Transfer File</DocumentName>
    <{version_tag}>{version}</{version_tag}>
    <DateTime>2026-09-04T09:12:00</DateTime>
    <DocumentQualifier>{qualifier}</DocumentQualifier>
    <SupplierID>Test MIS</SupplierID>
    <SourceSchool>
      <LEA>380</LEA><Estab>2093</Estab><URN>107258</URN>
      <SchoolName>Oakfield Primary</SchoolName><AcademicYear>2026</AcademicYear>
    </SourceSchool>
    <DestSchool><LEA>380</LEA><Estab>2094</Estab></DestSchool>
  </Header>
  <CTFpupilData>
"""


FOOTER = "  </CTFpupilData>\n</CTfile>\n"


def pupil(
    upn: str = UPN1,
    surname: str = "Ashworth",
    forename: str = "Maisie",
    dob: str = "2017-03-14",
    extra: str = "",
) -> str:
    """A minimal Pupil element of 6 lines (plus `extra` lines before its end)."""
    return (
        f"    <Pupil>\n      <UPN>{upn}</UPN>\n      <Surname>{surname}</Surname>\n"
        f"      <Forename>{forename}</Forename>\n      <DOB>{dob}</DOB>\n{extra}    </Pupil>\n"
    )


def write(tmp_path: Path, body: str, name: str = "school.xml", **kw: str) -> Path:
    path = tmp_path / name
    path.write_text(header(**kw) + body + FOOTER, encoding="utf-8")
    return path


#: Every optional element, CTF 23 style: CTFVersion spelled with a capital V, Gender,
#: BS7666 wrapper, phones, email, a contact with its own address and one AddressAsPupil.
FULL_PUPIL = f"""    <Pupil>
      <UPN>{UPN1}</UPN>
      <UniqueLearnerNumber>1234567890</UniqueLearnerNumber>
      <Surname>Ó Súilleabháin</Surname>
      <Forename>Siobhán</Forename>
      <DOB>2015-10-02</DOB>
      <Gender>F</Gender>
      <BasicDetails>
        <FormerUPN>{UPN3}</FormerUPN>
        <PreferredSurname>O'Sullivan</PreferredSurname>
        <PreferredForename>Shiv</PreferredForename>
        <MiddleNames>Róisín Mary</MiddleNames>
        <NCyearActual>6</NCyearActual>
        <Ethnicity>WIRI</Ethnicity>
        <MedicalFlag>false</MedicalFlag>
      </BasicDetails>
      <LookedAfter><InCare>false</InCare></LookedAfter>
      <RegGroup>6K</RegGroup>
      <Address>
        <BS7666Address>
          <SAON>Flat 3</SAON>
          <PAON>12</PAON>
          <Street>Larch Avenue</Street>
          <Locality>Upper Elmford</Locality>
          <Town>Elmford</Town>
          <AdministrativeArea>Elmshire</AdministrativeArea>
          <PostTown>Elmford</PostTown>
          <UniquePropertyReferenceNumber>100000000001</UniquePropertyReferenceNumber>
        </BS7666Address>
        <County>Elmshire</County>
        <PostCode>ef1 2ab</PostCode>
        <Country>GBR</Country>
      </Address>
      <Phones>
        <Phone><TelephoneType>M</TelephoneType><PhoneNo>07700 900001</PhoneNo></Phone>
        <Phone><TelephoneType>H</TelephoneType><PhoneNo>01632 960001</PhoneNo></Phone>
      </Phones>
      <Email>siobhan@example.org</Email>
      <Contacts>
        <Contact>
          <Order>1</Order>
          <Title>Mrs</Title>
          <Surname>O'Sullivan</Surname>
          <Forename>Aoife</Forename>
          <Gender>F</Gender>
          <MiddleNames>Clodagh</MiddleNames>
          <Relationship>PAM</Relationship>
          <Responsibility>true</Responsibility>
          <Address><AddressAsPupil>true</AddressAsPupil></Address>
          <Phones><Phone><TelephoneType>Q</TelephoneType>
            <PhoneNo>07700 900002</PhoneNo></Phone></Phones>
          <Email>aoife@example.org</Email>
        </Contact>
        <Contact>
          <Order>2</Order>
          <Title>Mr</Title>
          <Surname>Byrne</Surname>
          <Forename>Darragh</Forename>
          <Relationship>STF</Relationship>
          <Responsibility>false</Responsibility>
          <Address>
            <BS7666Address>
              <PAON>Rose Cottage</PAON>
              <Street>Quarry Hill</Street>
              <Town>Elmford</Town>
            </BS7666Address>
            <PostCode>EF3 9ZZ</PostCode>
          </Address>
        </Contact>
      </Contacts>
      <SchoolHistory><School><LEA>380</LEA></School></SchoolHistory>
    </Pupil>
"""
