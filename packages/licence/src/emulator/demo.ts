import type { LicenceServerState, StoredLicence } from "./state.js";

const DAY = 24 * 60 * 60 * 1000;

/** The demo data `trustspec-mock licence` starts with: three licences, a connection, a session. */
export function demoData(state: LicenceServerState): void {
  const now = state.now().getTime();
  const iso = (offsetDays: number) => new Date(now + offsetDays * DAY).toISOString();
  const base = {
    Type: "Virtual",
    Enabled: true,
    IsBlank: false,
    Workable: true,
    OpenError: null,
    Version: "6",
    ServiceType: 0,
    ProductVersion: 0,
    BlankKeyNo: null,
    Flags: "0".repeat(32),
    ITN: 7701234567,
    IEC: null,
  };
  const licences = [
    {
      ...base,
      FileName: "/var/1C/licence/3.0/672B.7131766.licence",
      KeyNo: 7131766,
      KeyID: "672B",
      RegNo: 202,
      KeyType: 3,
      LicenceCount: 5,
      ActivationCode: "4345-9320-2035-7421-5361",
      ActivationDate: iso(-400),
      StartDate: null,
      Period: 0,
      ProductName: "1С:Предприятие 8 ПРОФ. Клиентская лицензия на 5 рабочих мест",
      Article: "4601546041524",
      ArticleName: "Клиентская лицензия на 5 рабочих мест (демо)",
    },
    {
      ...base,
      FileName: "/var/1C/licence/3.0/8A01.7200417.licence",
      KeyNo: 7200417,
      KeyID: "8A01",
      RegNo: 318,
      KeyType: 4,
      LicenceCount: 1,
      ActivationCode: "1203-5567-8890-1122-3344",
      ActivationDate: iso(-340),
      StartDate: iso(-340),
      Period: 365,
      ProductName: "1С:Предприятие 8. Лицензия на сервер (x86-64)",
      Article: "4601546045683",
      ArticleName: "Серверная лицензия (демо, срок 365 дней)",
    },
    {
      ...base,
      FileName: "/var/1C/licence/3.0/5D3C.7312090.licence",
      KeyNo: 7312090,
      KeyID: "5D3C",
      RegNo: 77,
      KeyType: 5,
      LicenceCount: 2,
      ActivationCode: "9981-0042-7310-5521-0007",
      ActivationDate: iso(-45),
      StartDate: iso(-45),
      Period: 30,
      ProductName: "Демонстрационная лицензия",
      Article: "0000000000000",
      ArticleName: "Демонстрационная лицензия на 30 дней (демо, истекла)",
    },
  ] as unknown as StoredLicence["licence"][];
  for (const l of licences) state.add(l);
  state.createSession(
    {
      KeyID: "672B",
      ClientSessionID: "demo-session-1",
      AppName: "1CV8C",
      UserName: "Бухгалтер",
      ComputerName: "ACCOUNTING-PC",
    },
    "192.0.2.10",
  );
}
