//! The interface's words, in Russian (the default) and English. The page names and statuses
//! are the ones the citizen guides use.

use podpis_core::Lang;

macro_rules! texts {
    ($($key:ident: $ru:literal, $en:literal;)*) => {
        /// Every text of the pages, in one language.
        pub struct Texts {
            $(#[doc = $en] pub $key: &'static str,)*
        }
        static RU: Texts = Texts { $($key: $ru,)* };
        static EN: Texts = Texts { $($key: $en,)* };
    };
}

/// The texts of `lang`.
pub fn of(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Ru => &RU,
        Lang::En => &EN,
    }
}

texts! {
    lang: "ru", "en";
    other_lang: "en", "ru";
    other_lang_name: "English", "Русский";
    portal: "Портал госуслуг: электронная подпись", "Government services portal: electronic signature";
    skip: "К содержанию", "Skip to content";
    nav_cabinet: "Личный кабинет", "Personal cabinet";
    nav_profile: "Профиль", "Profile";
    nav_security: "Безопасность", "Security";
    nav_sessions: "Сеансы", "Sessions";
    nav_journal: "Журнал действий", "Action journal";
    nav_admin: "Администрирование", "Administration";
    nav_mailbox: "Почтовый ящик", "Mailbox";
    sign_in: "Войти", "Sign in";
    sign_out: "Выйти", "Sign out";
    register: "Зарегистрироваться", "Register";
    login_title: "Вход в личный кабинет", "Sign in to your personal cabinet";
    login_label: "Телефон, почта или СНИЛС", "Phone, e-mail or SNILS";
    password: "Пароль", "Password";
    password_hint: "От 8 знаков: буквы и хотя бы одна цифра или другой знак.", "At least 8 characters: letters and at least one digit or other sign.";
    no_account: "Нет учётной записи?", "No account yet?";
    passkey_sign_in: "Войти с ключом доступа (биометрия)", "Sign in with a passkey (biometrics)";
    passkey_no_js: "Для входа по ключу доступа нужен JavaScript и браузер с поддержкой WebAuthn.", "Signing in with a passkey needs JavaScript and a browser with WebAuthn.";
    code_title: "Подтверждение входа", "Confirm sign-in";
    code_sent_to: "Код отправлен в SMS на номер", "The code was sent by SMS to";
    code_label: "Код из SMS", "Code from the SMS";
    totp_label: "Код из приложения", "Code from the app";
    factor: "Чем подтвердить", "Confirm with";
    factor_sms: "Код из SMS", "SMS code";
    factor_totp: "Приложение для кодов", "Authenticator app";
    confirm: "Подтвердить", "Confirm";
    resend: "Отправить код ещё раз", "Send the code again";
    code_valid_until: "Код действует до", "The code is valid until";
    register_title: "Регистрация", "Registration";
    phone: "Мобильный телефон", "Mobile phone";
    email: "Электронная почта", "E-mail";
    surname: "Фамилия", "Surname";
    given_name: "Имя", "Given name";
    patronymic: "Отчество (если есть)", "Patronymic (if any)";
    inn: "ИНН", "INN";
    snils: "СНИЛС", "SNILS";
    optional: "необязательно", "optional";
    birth_date: "Дата рождения", "Date of birth";
    passport: "Паспорт: серия и номер", "Passport: series and number";
    confirm_title: "Подтверждение телефона и почты", "Confirm your phone and e-mail";
    confirm_intro: "Мы отправили коды подтверждения. Введите их, чтобы завершить регистрацию.", "We have sent confirmation codes. Enter them to finish the registration.";
    phone_code: "Код из SMS", "Code from the SMS";
    email_code: "Код из письма", "Code from the e-mail";
    sent_to: "отправлен на", "sent to";
    confirmed: "подтверждён", "confirmed";
    registered_done: "Телефон и почта подтверждены. Теперь войдите в личный кабинет.", "Your phone and e-mail are confirmed. Now sign in.";
    cabinet_title: "Личный кабинет", "Personal cabinet";
    hello: "Здравствуйте", "Hello";
    contacts: "Контакты", "Contacts";
    not_confirmed: "не подтверждён", "not confirmed";
    role: "Роль", "Role";
    signatures_title: "Электронные подписи", "Electronic signatures";
    signatures_soon: "Сертификаты, привязанные к учётной записи, их статус и срок действия.", "The certificates bound to this account, their status and validity.";
    profile_title: "Профиль", "Profile";
    save: "Сохранить", "Save";
    saved: "Изменения сохранены.", "Changes saved.";
    security_title: "Безопасность входа", "Sign-in security";
    totp_title: "Приложение для кодов (TOTP)", "Authenticator app (TOTP)";
    totp_on: "Подключено: при входе можно ввести код из приложения вместо SMS.", "Enrolled: at sign-in you may enter a code from the app instead of the SMS.";
    totp_off: "Не подключено. Вход подтверждается кодом из SMS.", "Not enrolled. Sign-in is confirmed with an SMS code.";
    totp_enrol: "Подключить приложение", "Enrol an app";
    totp_remove: "Отключить приложение", "Remove the app";
    totp_secret: "Ключ для приложения", "Key for the app";
    totp_scan: "Добавьте ключ в приложение (Яндекс Ключ, Google Authenticator и др.) и введите код, который оно покажет.", "Add the key to your app (Google Authenticator and the like) and enter the code it shows.";
    passkeys_title: "Ключи доступа (вход по биометрии)", "Passkeys (biometric sign-in)";
    passkeys_none: "Ключей доступа нет.", "No passkeys yet.";
    passkey_add: "Добавить ключ доступа", "Add a passkey";
    passkey_name: "Название (например, «Телефон»)", "Name (e.g. \"Phone\")";
    remove: "Удалить", "Remove";
    added: "Добавлен", "Added";
    last_used: "Последний вход", "Last used";
    never: "ещё не использовался", "not used yet";
    sessions_title: "Активные сеансы", "Active sessions";
    nav_signatures: "Подписи", "Signatures";
    signatures_none: "К учётной записи не привязано ни одного сертификата.", "No certificate is bound to this account.";
    signatures_how: "Чтобы привязать сертификат, загрузите его через API (POST /api/v1/bindings), подпишите вызов командой podpis sign и подтвердите кодом из SMS.", "To bind a certificate, upload it through the API (POST /api/v1/bindings), sign the challenge with podpis sign and confirm with the SMS code.";
    expiring_banner: "Срок действия сертификата скоро истекает — перевыпустите его:", "A certificate expires soon — reissue it:";
    certificate_serial: "Серийный номер", "Serial number";
    certificate_centre: "Удостоверяющий центр", "Certification centre";
    certificate_status: "Статус", "Status";
    certificate_until: "Действует до", "Valid until";
    status_connected: "подключена", "connected";
    status_pending: "ожидает подтверждения", "awaiting confirmation";
    unbind: "Отвязать", "Unbind";
    session_started: "Начат", "Started";
    session_seen: "Последняя активность", "Last active";
    address: "Адрес", "Address";
    device: "Устройство", "Device";
    this_session: "этот сеанс", "this session";
    end_session: "Завершить", "End";
    end_all: "Выйти на всех устройствах", "Sign out everywhere";
    journal_title: "Журнал действий", "Action journal";
    journal_intro: "Здесь записаны все действия в вашем кабинете. Регулярно проверяйте журнал: если увидите действие, которого вы не совершали, смените пароль и завершите сеансы.", "Every action in your cabinet is recorded here. Check it regularly: if you see something you did not do, change your password and end your sessions.";
    when: "Время (UTC)", "Time (UTC)";
    action: "Действие", "Action";
    status: "Статус", "Status";
    details: "Подробности", "Details";
    all_actions: "Все действия", "All actions";
    from: "С даты", "From";
    to: "По дату", "To";
    filter: "Показать", "Show";
    export_csv: "Выгрузить CSV", "Export CSV";
    export_json: "Выгрузить JSON", "Export JSON";
    older: "Более ранние записи", "Older entries";
    nothing: "Записей нет.", "No entries.";
    ok: "успешно", "done";
    failed: "отказ", "refused";
    admin_title: "Администрирование", "Administration";
    verify_journal: "Проверить целостность журнала", "Verify the journal's integrity";
    journal_intact: "Журнал цел: проверено записей —", "The journal is intact: entries checked —";
    journal_broken: "Журнал нарушен: запись", "The journal is broken at entry";
    mailbox_title: "Почтовый ящик (режим разработки)", "Mailbox (development mode)";
    mailbox_intro: "Сообщения, которые портал отправил бы по SMS и почте.", "The messages the portal would have sent by SMS and e-mail.";
    mailbox_real: "Сообщения отправляются по-настоящему; здесь видна очередь доставки. Тексты с кодами стираются после доставки.", "Messages are really sent; this is the delivery queue. Texts with codes are erased after delivery.";
    channel: "Канал", "Channel";
    recipient: "Получатель", "Recipient";
    text: "Текст", "Text";
    back: "Назад", "Back";
    error_title: "Ошибка", "Error";
    csrf_failed: "Форма устарела или отправлена не с этой страницы. Обновите страницу и попробуйте ещё раз.", "The form is stale or was not sent from this page. Reload the page and try again.";
    not_found: "Страница не найдена.", "Page not found.";
    nav_applications: "Заявления", "Applications";
    applications_title: "Заявления на сертификат", "Certificate applications";
    application_title: "Заявление на сертификат", "Certificate application";
    applications_none: "Заявлений пока нет.", "No applications yet.";
    application_new: "Новое заявление", "New application";
    application_create: "Создать заявление", "Create the application";
    application_centre: "Удостоверяющий центр", "Certification centre";
    application_subject: "Кому выдаётся", "Issued to";
    subject_person: "Физическое лицо", "Private person";
    subject_entrepreneur: "Индивидуальный предприниматель", "Sole proprietor";
    subject_officer: "Представитель организации", "Officer of an organisation";
    application_medium: "Носитель ключа", "Key medium";
    medium_token: "Токен", "Token";
    medium_p12: "Файл .p12", ".p12 file";
    medium_cloud: "Облачный ключ", "Cloud key";
    application_status: "Состояние", "State";
    application_updated: "Изменено", "Changed";
    application_open: "Открыть", "Open";
    application_data: "Данные заявления", "Application data";
    field_surname: "Фамилия", "Surname";
    field_given_name: "Имя", "Given name";
    field_patronymic: "Отчество", "Patronymic";
    field_birth_date: "Дата рождения (ГГГГ-ММ-ДД)", "Birth date (YYYY-MM-DD)";
    field_inn: "ИНН", "INN";
    field_snils: "СНИЛС", "SNILS";
    field_document: "Паспорт: серия и номер", "Passport: series and number";
    field_ogrnip: "ОГРНИП", "OGRNIP";
    field_organization: "Организация", "Organisation";
    field_inn_le: "ИНН организации", "INN of the organisation";
    field_ogrn: "ОГРН", "OGRN";
    field_title: "Должность", "Position";
    field_region: "Регион", "Region";
    field_locality: "Населённый пункт", "Town";
    field_street: "Улица, дом", "Street, house";
    field_phone: "Телефон", "Phone";
    field_email: "Электронная почта", "E-mail";
    field_consent: "Согласен на обработку персональных данных", "I consent to the processing of my personal data";
    application_save: "Сохранить", "Save";
    scans_title: "Сканы документов (PDF, до 5 МБ)", "Document scans (PDF, up to 5 MB)";
    scan_kind: "Документ", "Document";
    scan_attach: "Приложить", "Attach";
    scan_remove: "Удалить", "Remove";
    application_submit: "Отправить заявление", "Submit the application";
    application_cancel: "Отменить заявление", "Cancel the application";
    application_pay: "Оплатить", "Pay";
    visit_slots: "Выберите время визита в УЦ", "Choose the time of your visit";
    visit_book: "Записаться", "Book";
    visit_none: "Свободного времени пока нет.", "No free slots yet.";
    visit_title: "Визит в удостоверяющий центр", "Your visit to the centre";
    visit_code: "Код визита", "Visit code";
    visit_show: "Покажите QR-код или назовите код оператору УЦ.", "Show the QR code or tell the code to the centre's operator.";
    visit_cancel: "Отменить визит", "Cancel the visit";
    cloud_pin: "Задайте PIN-код облачного ключа (6–12 цифр)", "Set the cloud key's PIN (6 to 12 digits)";
    cloud_issue: "Выпустить облачный ключ", "Issue the cloud key";
    act_link: "Акт выдачи сертификата (PDF)", "Certificate issuance act (PDF)";
    nav_operator: "Кабинет УЦ", "Centre console";
    operator_title: "Кабинет удостоверяющего центра", "Certification centre console";
    operator_queue: "Заявления на проверку", "Applications to review";
    operator_visits: "Записаны на визит", "Booked visits";
    operator_approve: "Одобрить", "Approve";
    operator_return: "Вернуть на доработку", "Return for correction";
    operator_comment: "Что исправить", "What to correct";
    operator_open: "Открыть заявление по коду визита или QR-коду", "Open an application by its visit code or QR code";
    operator_slots: "Время приёма (МСК, ГГГГ-ММ-ДД ЧЧ:ММ) и длительность, мин", "A slot (Moscow time, YYYY-MM-DD HH:MM) and its length, min";
    operator_publish: "Опубликовать", "Publish";
    operator_confirm: "Оригиналы проверены, личность подтверждена", "Originals checked, identity confirmed";
    operator_refuse: "Отказать", "Refuse";
    operator_reason: "Причина отказа", "Reason for the refusal";
    operator_issue_p12: "Выпустить ключ и сертификат в файле .p12", "Issue the key and certificate in a .p12 file";
    operator_issue_csr: "Выпустить сертификат по запросу с токена (PEM)", "Issue the certificate for the token's request (PEM)";
    operator_p12_once: "Пароль файла (показывается один раз, передайте владельцу):", "The file's password (shown once, hand it to the owner):";
    operator_p12_download: "Скачать файл .p12", "Download the .p12 file";
    operator_none: "Нет заявлений.", "No applications.";
}
