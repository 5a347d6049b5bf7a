<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv" sourcelanguage="en">
<context>
    <name>AccountDialog</name>
    <message>
        <location filename="../../desktop_app/ui/account_dialog.py" line="+104"/>
        <source>Add account</source>
        <translation>Lägg till konto</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sign in again: {name}</source>
        <translation>Logga in igen: {name}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Network</source>
        <translation>Nätverk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Address</source>
        <translation>Adress</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Network:</source>
        <translation>&amp;Nätverk:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Address:</source>
        <translation>&amp;Adress:</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+24"/>
        <source>Sign in in the browser</source>
        <translation>Logga in i webbläsaren</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>Kanal opens the platform&apos;s sign-in page in your web browser. Sign in there and allow Kanal; the browser then hands the sign-in back to Kanal.</source>
        <translation>Kanal öppnar plattformens inloggningssida i din webbläsare. Logga in där och ge Kanal tillåtelse; webbläsaren lämnar sedan tillbaka inloggningen till Kanal.</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+132"/>
        <source>Client ID</source>
        <translation>Klient-id</translation>
    </message>
    <message>
        <location line="-130"/>
        <source>App ID</source>
        <translation>App-id</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>App secret</source>
        <translation>Apphemlighet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Client ID of the organisation&apos;s X app:</source>
        <translation>Klient-id för organisationens X-app:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>App ID of the organisation&apos;s Facebook app:</source>
        <translation>App-id för organisationens Facebookapp:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>App secret (if the app requires it):</source>
        <translation>Apphemlighet (om appen kräver den):</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>OAuth 2.0 tokens</source>
        <translation>OAuth 2.0-token</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OAuth 1.0a keys</source>
        <translation>OAuth 1.0a-nycklar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kind of X credentials</source>
        <translation>Typ av inloggningsuppgifter för X</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Connect</source>
        <translation>Anslut</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>Or enter a token or app password instead</source>
        <translation>Eller ange en token eller ett applösenord i stället</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the application password</source>
        <translation>Ange applikationslösenordet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Enter the app password</source>
        <translation>Ange applösenordet</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>User name</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Application password</source>
        <translation>Applikationslösenord</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Handle or e-mail</source>
        <translation>Användarnamn eller e-post</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>App password</source>
        <translation>Applösenord</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Access token</source>
        <translation>Åtkomsttoken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refresh token</source>
        <translation>Förnyelsetoken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consumer key</source>
        <translation>Konsumentnyckel (consumer key)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Consumer secret</source>
        <translation>Konsumenthemlighet (consumer secret)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Access token secret</source>
        <translation>Åtkomsttokenhemlighet</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The blog&apos;s address, as visitors see it.</source>
        <translation>Bloggens adress, som besökarna ser den.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The address of the Mastodon server the account is on.</source>
        <translation>Adressen till den Mastodonserver kontot finns på.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The Graph API address with its version; the default is Facebook&apos;s.</source>
        <translation>Graph API-adressen med version; förvalet är Facebooks egen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The X API address; the default is X&apos;s own.</source>
        <translation>X API-adressen; förvalet är X:s egen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The account&apos;s server (PDS); the default is Bluesky&apos;s own.</source>
        <translation>Kontots server (PDS); förvalet är Blueskys egen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Create an application password in WordPress under Users → Profile → Application passwords, and paste it here with your user name.</source>
        <translation>Skapa ett applikationslösenord i WordPress under Användare → Profil → Applikationslösenord och klistra in det här tillsammans med ditt användarnamn.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Create an app password in Bluesky under Settings → Privacy and security → App passwords. Never use the account&apos;s own password here.</source>
        <translation>Skapa ett applösenord i Bluesky under Inställningar → Integritet och säkerhet → Applösenord. Använd aldrig kontots eget lösenord här.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>A user access token of someone who manages the Page; Kanal gets the Page&apos;s own token from it.</source>
        <translation>En användartoken för någon som administrerar sidan; med den hämtar Kanal sidans egen token.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Tokens or keys from the organisation&apos;s app in the X developer portal.</source>
        <translation>Token eller nycklar från organisationens app i X:s utvecklarportal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>An access token from the server&apos;s Preferences → Development.</source>
        <translation>En åtkomsttoken från serverns Inställningar → Utveckling.</translation>
    </message>
    <message>
        <location line="+31"/>
        <location line="+79"/>
        <source>Enter the address of the site or instance.</source>
        <translation>Ange adressen till webbplatsen eller instansen.</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>Waiting for the sign-in in the browser…</source>
        <translation>Väntar på inloggningen i webbläsaren…</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>If no browser opened, open this address: {link}</source>
        <translation>Om ingen webbläsare öppnades, öppna den här adressen: {link}</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Checking with {network}…</source>
        <translation>Kontrollerar med {network}…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Fill in: {fields}</source>
        <translation>Fyll i: {fields}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This account is already connected.</source>
        <translation>Det här kontot är redan anslutet.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The credentials cannot be stored safely, because the system keyring cannot be used: {reason}</source>
        <translation>Inloggningsuppgifterna kan inte sparas säkert, eftersom systemets nyckelring inte går att använda: {reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Could not connect: {reason}</source>
        <translation>Kunde inte ansluta: {reason}</translation>
    </message>
</context>
<context>
    <name>AccountHealth</name>
    <message>
        <location filename="../../desktop_app/ui/account_health.py" line="+19"/>
        <source>Needs action</source>
        <translation>Behöver åtgärdas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Note</source>
        <translation>Observera</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>What to do: %1</source>
        <translation>Gör så här: %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Nothing to report.</source>
        <translation>Inget att rapportera.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Account check: %1</source>
        <translation>Kontroll av konto: %1</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>%1 works as Kanal needs.</source>
        <translation>%1 fungerar som Kanal behöver.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>%1 needs attention.</source>
        <translation>%1 behöver åtgärdas.</translation>
    </message>
</context>
<context>
    <name>AccountsView</name>
    <message>
        <location filename="../../desktop_app/ui/accounts_view.py" line="+374"/>
        <source>Accounts</source>
        <translation>Konton</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The accounts Kanal posts as. Their passwords and tokens are kept in the system keyring, never in Kanal&apos;s database.</source>
        <translation>Kontona som Kanal publicerar som. Deras lösenord och token sparas i systemets nyckelring, aldrig i Kanals databas.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Connected accounts</source>
        <translation>Anslutna konton</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Checking…</source>
        <translation>Kontrollerar…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>No accounts yet. Add the blog, Facebook Page, X, Mastodon or Bluesky account.</source>
        <translation>Inga konton ännu. Lägg till bloggen, Facebooksidan eller kontot på X, Mastodon eller Bluesky.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Add account…</source>
        <translation>Lägg till konto…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Check again</source>
        <translation>Kontrollera igen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ask the platform whether the account still works</source>
        <translation>Fråga plattformen om kontot fortfarande fungerar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Account check…</source>
        <translation>Kontrollera konto…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Token, expiry, permissions and rate limits, each with what to do</source>
        <translation>Token, giltighetstid, behörigheter och anropsgränser, var och en med vad du kan göra</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Channel register…</source>
        <translation>Kanalregister…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Purpose, responsible person, start date and moderation notice (BBS law §3)</source>
        <translation>Syfte, ansvarig person, startdatum och moderationsregler (BBS-lagen 3 §)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Check all</source>
        <translation>Kontrollera alla</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sign in again…</source>
        <translation>Logga in igen…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove…</source>
        <translation>Ta bort…</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Accounts message</source>
        <translation>Meddelande om kontona</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Working</source>
        <translation>Fungerar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Needs sign-in again</source>
        <translation>Behöver logga in igen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Rate-limited</source>
        <translation>Begränsad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rate-limited until {time}</source>
        <translation>Begränsad till {time}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not checked yet</source>
        <translation>Inte kontrollerat ännu</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>{name}: {status}</source>
        <translation>{name}: {status}</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The channel register was saved.</source>
        <translation>Kanalregistret sparades.</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Remove account</source>
        <translation>Ta bort konto</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Remove {name} ({network}) from Kanal? Its password or token is deleted from the keyring. Nothing is deleted on {network}.</source>
        <translation>Ta bort {name} ({network}) från Kanal? Kontots lösenord eller token raderas ur nyckelringen. Ingenting raderas på {network}.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Removed {name}.</source>
        <translation>Tog bort {name}.</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Connected {name} ({network}).</source>
        <translation>Anslöt {name} ({network}).</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Could not reach the platform: {reason}</source>
        <translation>Kunde inte nå plattformen: {reason}</translation>
    </message>
</context>
<context>
    <name>CalendarView</name>
    <message>
        <location filename="../../desktop_app/ui/calendar_view.py" line="+110"/>
        <source>◀ &amp;Previous</source>
        <translation>◀ &amp;Föregående</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Today</source>
        <translation>&amp;Idag</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Next ▶</source>
        <translation>&amp;Nästa ▶</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Week</source>
        <translation>&amp;Vecka</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Month</source>
        <translation>&amp;Månad</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>Moving…</source>
        <translation>Flyttar…</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The post is moved.</source>
        <translation>Inlägget är flyttat.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Something went wrong: {reason}</source>
        <translation>Något gick fel: {reason}</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>Posts on {day}</source>
        <translation>Inlägg {day}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Week {number}: {first} – {last}</source>
        <translation>Vecka {number}: {first} – {last}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>scheduled</source>
        <translation>schemalagt</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>published</source>
        <translation>publicerat</translation>
    </message>
    <message numerus="yes">
        <location line="+30"/>
        <source>%n post(s) in this period</source>
        <translation>
            <numerusform>%n inlägg under perioden</numerusform>
            <numerusform>%n inlägg under perioden</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ChannelRegisterDialog</name>
    <message>
        <location filename="../../desktop_app/ui/channel_register.py" line="+52"/>
        <source>Channel register: %1</source>
        <translation>Kanalregister: %1</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Purpose of the channel</source>
        <translation>Kanalens syfte</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Responsible person</source>
        <translation>Ansvarig person</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+26"/>
        <source>Start date</source>
        <translation>Startdatum</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>Moderation notice shown to the public</source>
        <translation>Moderationsregler som visas för allmänheten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>What is removed and why, as the public reads it (BBS law §3)</source>
        <translation>Vad som tas bort och varför, så som allmänheten läser det (BBS-lagen 3 §)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Status of the channel</source>
        <translation>Kanalens status</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Paused</source>
        <translation>Pausad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Closed</source>
        <translation>Avslutad</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Purpose</source>
        <translation>Syfte</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Responsible</source>
        <translation>Ansvarig</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Moderation notice</source>
        <translation>Moderationsregler</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location line="+60"/>
        <source>Could not be saved: %1</source>
        <translation>Kunde inte sparas: %1</translation>
    </message>
</context>
<context>
    <name>ComposerWidget</name>
    <message>
        <location filename="../../desktop_app/ui/composer.py" line="+163"/>
        <location line="+371"/>
        <source>New draft</source>
        <translation>Nytt utkast</translation>
    </message>
    <message>
        <location line="-363"/>
        <location line="+364"/>
        <source>Not saved yet</source>
        <translation>Inte sparat ännu</translation>
    </message>
    <message>
        <location line="-362"/>
        <source>Save status</source>
        <translation>Sparstatus</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;New draft</source>
        <translation>&amp;Nytt utkast</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Blog post &amp;title</source>
        <translation>&amp;Rubrik för blogginlägget</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Blog post title</source>
        <translation>Rubrik för blogginlägget</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Required for the blog</source>
        <translation>Krävs för bloggen</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Post text for all networks</source>
        <translation>Inläggets text för alla nätverk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write the post here…</source>
        <translation>Skriv inlägget här…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Common text</source>
        <translation>Gemensam text</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Length per network</source>
        <translation>Längd per nätverk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose where to post to see the length checks.</source>
        <translation>Välj var inlägget ska publiceras för att se längdkontrollerna.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Post to</source>
        <translation>Publicera på</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Accounts to post to</source>
        <translation>Konton att publicera på</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>When</source>
        <translation>När</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Schedule for later</source>
        <translation>&amp;Schemalägg till senare</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Publishing time</source>
        <translation>Publiceringstid</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Local time ({zone})</source>
        <translation>Lokal tid ({zone})</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Attached images</source>
        <translation>Bifogade bilder</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Alt text:</source>
        <translation>&amp;Alternativtext:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Alt text of the selected image</source>
        <translation>Alternativtext för den markerade bilden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Describe the image for those who cannot see it</source>
        <translation>Beskriv bilden för den som inte kan se den</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Add &amp;image…</source>
        <translation>Lägg till &amp;bild…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Remove image</source>
        <translation>&amp;Ta bort bild</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Publish as a t&amp;hread on X</source>
        <translation>Publicera som tråd på &amp;X</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The text is too long for one post on X: split it into numbered posts.</source>
        <translation>Texten är för lång för ett inlägg på X: dela upp den i numrerade inlägg.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Pre&amp;view…</source>
        <translation>Förhands&amp;granska…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the post will look on each network</source>
        <translation>Hur inlägget kommer att se ut på varje nätverk</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Publish</source>
        <translation>&amp;Publicera</translation>
    </message>
    <message>
        <location line="+121"/>
        <source>Publishing…</source>
        <translation>Publicerar…</translation>
    </message>
    <message>
        <location line="+134"/>
        <source>Saving…</source>
        <translation>Sparar…</translation>
    </message>
    <message>
        <location line="+106"/>
        <source>Unsaved changes</source>
        <translation>Osparade ändringar</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+60"/>
        <location line="+294"/>
        <source>Draft</source>
        <translation>Utkast</translation>
    </message>
    <message>
        <location line="-351"/>
        <source>Saved {time}</source>
        <translation>Sparat {time}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Could not save: {reason}. Your text is kept here; trying again.</source>
        <translation>Kunde inte spara: {reason}. Din text finns kvar här; Kanal försöker igen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not saved</source>
        <translation>Inte sparat</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>That draft no longer exists.</source>
        <translation>Utkastet finns inte längre.</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Saved</source>
        <translation>Sparat</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Not published everywhere. The platform said:</source>
        <translation>Inte publicerat överallt. Plattformen svarade:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fix the text and press Publish: only these accounts get it.</source>
        <translation>Rätta texten och tryck på Publicera: bara de här kontona får inlägget.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Could not open the draft: {reason}</source>
        <translation>Utkastet kunde inte öppnas: {reason}</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>Tick the accounts this post goes to.</source>
        <translation>Kryssa i de konton som inlägget ska publiceras på.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>No accounts are connected yet. Choose networks now; pick the accounts once they are added.</source>
        <translation>Inga konton är anslutna ännu. Välj nätverk nu och välj konton när de har lagts till.</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+400"/>
        <source>Removed account</source>
        <translation>Borttaget konto</translation>
    </message>
    <message>
        <location line="-361"/>
        <source>Length check for {network}</source>
        <translation>Längdkontroll för {network}</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Use common text</source>
        <translation>Använd gemensam text</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Use the common text for {network}</source>
        <translation>Använd den gemensamma texten för {network}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Customise</source>
        <translation>Anpassa</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Customise the text for {network}</source>
        <translation>Anpassa texten för {network}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Post text for {network}</source>
        <translation>Inläggets text för {network}</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{network}: {length} characters (no limit)</source>
        <translation>{network}: {length} tecken (ingen gräns)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>title missing</source>
        <translation>rubrik saknas</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{network}: at least {length}/{limit} — far too long</source>
        <translation>{network}: minst {length}/{limit} — alldeles för lång</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{network}: {length}/{limit} — {over} too many</source>
        <translation>{network}: {length}/{limit} — {over} för mycket</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{network}: {length}/{limit} — too long in bytes ({bytes}/{max})</source>
        <translation>{network}: {length}/{limit} — för lång räknat i byte ({bytes}/{max})</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{network}: {length}/{limit} — contains characters it refuses</source>
        <translation>{network}: {length}/{limit} — innehåller tecken som inte godtas</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{network}: {length}/{limit} — empty</source>
        <translation>{network}: {length}/{limit} — tom</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>Add images</source>
        <translation>Lägg till bilder</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Images (*.png *.jpg *.jpeg *.gif *.webp)</source>
        <translation>Bilder (*.png *.jpg *.jpeg *.gif *.webp)</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>the file is no longer there</source>
        <translation>filen finns inte längre kvar</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Could not add the image “{name}”: {reason}. Nothing else was changed.</source>
        <translation>Bilden ”{name}” kunde inte läggas till: {reason}. Inget annat har ändrats.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>no alt text</source>
        <translation>ingen alternativtext</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This image has no alt text yet.</source>
        <translation>Bilden har ingen alternativtext ännu.</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Could not remove the image: {reason}</source>
        <translation>Bilden kunde inte tas bort: {reason}</translation>
    </message>
    <message numerus="yes">
        <location line="+19"/>
        <source>⚠ %n image(s) lack alt text. Describe every image; publishing will require it.</source>
        <translation>
            <numerusform>⚠ %n bild saknar alternativtext. Beskriv varje bild; det krävs för att publicera.</numerusform>
            <numerusform>⚠ %n bilder saknar alternativtext. Beskriv varje bild; det krävs för att publicera.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Message about the draft</source>
        <translation>Meddelande om utkastet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publishing status</source>
        <translation>Publiceringsstatus</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text per network</source>
        <translation>Text per nätverk</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Tick at least one connected account.</source>
        <translation>Kryssa för minst ett anslutet konto.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>The draft</source>
        <translation>Utkastet</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Nothing new to send: every chosen account already has this post or it is on its way.</source>
        <translation>Inget nytt att skicka: alla valda konton har redan inlägget eller så är det på väg.</translation>
    </message>
    <message numerus="yes">
        <location line="+8"/>
        <source>Scheduled for %n account(s); see Scheduled.</source>
        <translation>
            <numerusform>Schemalagt för %n konto; se Schemalagt.</numerusform>
            <numerusform>Schemalagt för %n konton; se Schemalagt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>Sent to the sending queue for %n account(s).</source>
        <translation>
            <numerusform>Lagt i sändningskön för %n konto.</numerusform>
            <numerusform>Lagt i sändningskön för %n konton.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n account(s) already had it and were skipped.</source>
        <translation>
            <numerusform>%n konto hade redan inlägget och hoppades över.</numerusform>
            <numerusform>%n konton hade redan inlägget och hoppades över.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Worth fixing next time:</source>
        <translation>Bra att rätta till nästa gång:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Not published. Fix this first:</source>
        <translation>Inte publicerat. Rätta först till detta:</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Could not publish: {reason}. The draft is kept.</source>
        <translation>Kunde inte publicera: {reason}. Utkastet finns kvar.</translation>
    </message>
</context>
<context>
    <name>ConversationPane</name>
    <message>
        <location filename="../../desktop_app/ui/inbox/conversation.py" line="+194"/>
        <source>Write a reply…</source>
        <translation>Skriv ett svar…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Send reply</source>
        <translation>Skicka svar</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Conversation on</source>
        <translation>Konversation på</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hidden</source>
        <translation>dold</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>deleted</source>
        <translation>raderad</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>awaiting approval</source>
        <translation>väntar på godkännande</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>may hold personal data</source>
        <translation>kan innehålla personuppgifter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answered by</source>
        <translation>Besvarat av</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show images</source>
        <translation>Visa bilder</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Select an item to read it.</source>
        <translation>Välj ett inlägg i listan för att läsa det.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Conversation</source>
        <translation>Konversation</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Reply</source>
        <translation>Svar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Ctrl+Enter sends the reply</source>
        <translation>Ctrl+Enter skickar svaret</translation>
    </message>
    <message numerus="yes">
        <location line="+72"/>
        <source>%n remote image(s) not loaded, to protect your privacy.</source>
        <translation>
            <numerusform>%n extern bild har inte hämtats, för att skydda din integritet.</numerusform>
            <numerusform>%n externa bilder har inte hämtats, för att skydda din integritet.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>An image could not be shown: {reason}</source>
        <translation>En bild kunde inte visas: {reason}</translation>
    </message>
</context>
<context>
    <name>DraftsModel</name>
    <message>
        <location filename="../../desktop_app/ui/drafts_view.py" line="+95"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Networks</source>
        <translation>Nätverk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Changed</source>
        <translation>Ändrat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scheduled</source>
        <translation>Schemalagt</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>(empty)</source>
        <translation>(tomt)</translation>
    </message>
</context>
<context>
    <name>DraftsView</name>
    <message>
        <location line="+85"/>
        <location line="+25"/>
        <source>Drafts</source>
        <translation>Utkast</translation>
    </message>
    <message>
        <location line="-20"/>
        <source>&amp;Search:</source>
        <translation>&amp;Sök:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Words in the title or text</source>
        <translation>Ord i rubriken eller texten</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search drafts</source>
        <translation>Sök bland utkast</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Show &amp;trash</source>
        <translation>Visa &amp;papperskorgen</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>&amp;Open</source>
        <translation>&amp;Öppna</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D&amp;uplicate</source>
        <translation>&amp;Duplicera</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Move to t&amp;rash</source>
        <translation>Flytta till &amp;papperskorgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>R&amp;estore</source>
        <translation>&amp;Återställ</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Draft duplicated.</source>
        <translation>Utkastet har duplicerats.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Moved to the trash.</source>
        <translation>Flyttat till papperskorgen.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Restored to the drafts.</source>
        <translation>Återställt till utkasten.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Something went wrong: {reason}</source>
        <translation>Något gick fel: {reason}</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>%n draft(s) in the trash</source>
        <translation>
            <numerusform>%n utkast i papperskorgen</numerusform>
            <numerusform>%n utkast i papperskorgen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n draft(s)</source>
        <translation>
            <numerusform>%n utkast</numerusform>
            <numerusform>%n utkast</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../desktop_app/ui/history_view.py" line="+153"/>
        <source>Time</source>
        <translation>Tid</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Author</source>
        <translation>Författare</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Result</source>
        <translation>Resultat</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>Refused as a duplicate</source>
        <translation>Avvisat som dubblett</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Refused by the platform</source>
        <translation>Avvisat av plattformen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stopped by Kanal&apos;s checks</source>
        <translation>Stoppat av Kanals kontroller</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The account must be signed in again</source>
        <translation>Kontot måste loggas in igen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Failed</source>
        <translation>Misslyckades</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Scheduled for {time}</source>
        <translation>Schemalagt till {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Published</source>
        <translation>Publicerat</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancelled</source>
        <translation>Avbrutet</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Checking with the platform</source>
        <translation>Kontrolleras hos plattformen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sending</source>
        <translation>Skickas</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting: sign in to the account again</source>
        <translation>Väntar: logga in på kontot igen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Waiting to retry: {reason}</source>
        <translation>Väntar på nytt försök: {reason}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Scheduled for {time}; this computer sends it</source>
        <translation>Schemalagt till {time}; den här datorn skickar det</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Queued</source>
        <translation>I kö</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <location line="+43"/>
        <source>Sent</source>
        <translation>Skickat</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&amp;Search:</source>
        <translation>&amp;Sök:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Text, author or account</source>
        <translation>Text, författare eller konto</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Search the sent history</source>
        <translation>Sök i det skickade</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+107"/>
        <source>All accounts</source>
        <translation>Alla konton</translation>
    </message>
    <message>
        <location line="-105"/>
        <source>&amp;From</source>
        <translation>&amp;Från</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>From date</source>
        <translation>Från datum</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To date</source>
        <translation>Till datum</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>to</source>
        <translation>till</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Export…</source>
        <translation>&amp;Exportera…</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Sent history</source>
        <translation>Skickat</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Exact text sent</source>
        <translation>Exakt skickad text</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Open the live post</source>
        <translation>Ö&amp;ppna inlägget</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Retry the failed</source>
        <translation>Försök igen med de misslyckade</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Edit and publish again</source>
        <translation>&amp;Redigera och publicera igen</translation>
    </message>
    <message>
        <location line="+83"/>
        <source>Exporting…</source>
        <translation>Exporterar…</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>Exported %n publication(s) to {file}.</source>
        <translation>
            <numerusform>Exporterade %n publicering till {file}.</numerusform>
            <numerusform>Exporterade %n publiceringar till {file}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+44"/>
        <source>Sending again to %n account(s).</source>
        <translation>
            <numerusform>Skickar igen till %n konto.</numerusform>
            <numerusform>Skickar igen till %n konton.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Select a post to see exactly what was sent.</source>
        <translation>Välj ett inlägg för att se exakt vad som skickades.</translation>
    </message>
    <message numerus="yes">
        <location line="+39"/>
        <source>&amp;Retry the failed (%n)</source>
        <translation>
            <numerusform>&amp;Försök igen med det misslyckade (%n)</numerusform>
            <numerusform>&amp;Försök igen med de misslyckade (%n)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Export the sent history</source>
        <translation>Exportera det skickade</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PDF/A for the archive (*.pdf);;CSV (*.csv);;JSON (*.json)</source>
        <translation>PDF/A för arkivet (*.pdf);;CSV (*.csv);;JSON (*.json)</translation>
    </message>
    <message numerus="yes">
        <location line="+11"/>
        <source>%n publication(s)</source>
        <translation>
            <numerusform>%n publicering</numerusform>
            <numerusform>%n publiceringar</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Something went wrong: {reason}</source>
        <translation>Något gick fel: {reason}</translation>
    </message>
</context>
<context>
    <name>InboxNotifier</name>
    <message numerus="yes">
        <location filename="../../desktop_app/ui/inbox/notifications.py" line="+79"/>
        <source>Kanal: %n unread</source>
        <translation>
            <numerusform>Kanal: %n oläst</numerusform>
            <numerusform>Kanal: %n olästa</numerusform>
        </translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Kanal</source>
        <translation>Kanal</translation>
    </message>
    <message numerus="yes">
        <location line="+1"/>
        <source>%n new item(s) in the inbox</source>
        <translation>
            <numerusform>%n nytt inlägg i inkorgen</numerusform>
            <numerusform>%n nya inlägg i inkorgen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InboxView</name>
    <message>
        <location filename="../../desktop_app/ui/inbox/view.py" line="+136"/>
        <source>Search authors and text  ( / )</source>
        <translation>Sök på avsändare och text  ( / )</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All</source>
        <translation>Alla</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unanswered</source>
        <translation>Obesvarade</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unanswered &gt; 24 h</source>
        <translation>Obesvarade &gt; 24 h</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assigned to me</source>
        <translation>Tilldelade mig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Personal data</source>
        <translation>Personuppgifter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden and deleted</source>
        <translation>Dolda och raderade</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>All networks</source>
        <translation>Alla nätverk</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+297"/>
        <source>All accounts</source>
        <translation>Alla konton</translation>
    </message>
    <message>
        <location line="-295"/>
        <source>All kinds</source>
        <translation>Alla typer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Comments</source>
        <translation>Kommentarer</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mentions</source>
        <translation>Omnämnanden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Replies</source>
        <translation>Svar</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Any state</source>
        <translation>Alla lägen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New</source>
        <translation>Nya</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Read</source>
        <translation>Lästa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Answered</source>
        <translation>Besvarat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>Klara</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hidden</source>
        <translation>Dolda</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Deleted</source>
        <translation>Raderade</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>From</source>
        <translation>Från</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Sync now</source>
        <translation>Hämta nu</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>Read/unread</source>
        <translation>Läst/oläst</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done  (e)</source>
        <translation>Klart  (e)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Assign to me</source>
        <translation>Tilldela mig</translation>
    </message>
    <message>
        <location line="+91"/>
        <source>Search the inbox</source>
        <translation>Sök i inkorgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Saved view</source>
        <translation>Sparad vy</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by network</source>
        <translation>Filtrera på nätverk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by account</source>
        <translation>Filtrera på konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by kind</source>
        <translation>Filtrera på typ</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Filter by state</source>
        <translation>Filtrera på status</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only items from a date range</source>
        <translation>Bara poster från ett datumintervall</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>First date of the range</source>
        <translation>Intervallets första datum</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Last date of the range</source>
        <translation>Intervallets sista datum</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inbox items, newest first</source>
        <translation>Inkorgens poster, nyaste först</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Response times per account</source>
        <translation>Svarstider per konto</translation>
    </message>
    <message>
        <location line="+77"/>
        <source>Nothing here.</source>
        <translation>Här finns inget.</translation>
    </message>
    <message>
        <location line="+74"/>
        <source>%1: %2 unanswered</source>
        <translation>%1: %2 obesvarade</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>oldest %1</source>
        <translation>äldsta %1</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Unanswered for more than 24 hours</source>
        <translation>Obesvarat i mer än 24 timmar</translation>
    </message>
    <message>
        <location line="+187"/>
        <source>Working…</source>
        <translation>Arbetar…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Done on the platform and recorded.</source>
        <translation>Utfört på plattformen och registrerat.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The platform cannot do this; done in Kanal only and recorded.</source>
        <translation>Plattformen kan inte göra detta; utfört endast i Kanal och registrerat.</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sending reply…</source>
        <translation>Skickar svar…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reply sent.</source>
        <translation>Svaret har skickats.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Could not do that: %1</source>
        <translation>Det gick inte att utföra: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_app/ui/main_window.py" line="+117"/>
        <source>Kanal</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Kanal — Practice mode (nothing is published)</source>
        <translation>Kanal — Övningsläge (inget publiceras)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Practice mode: you are working against Kanal&apos;s own practice platforms. Nothing you do here reaches the public.</source>
        <translation>Övningsläge: du arbetar mot Kanals egna övningsplattformar. Inget du gör här når allmänheten.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Sections</source>
        <translation>Avsnitt</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Inbox</source>
        <translation>Inkorg</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Compose</source>
        <translation>Skriv</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Drafts</source>
        <translation>Utkast</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scheduled</source>
        <translation>Schemalagt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sent</source>
        <translation>Skickat</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Accounts</source>
        <translation>Konton</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Calendar</source>
        <translation>Kalender</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+264"/>
        <source>Review</source>
        <translation>Granska</translation>
    </message>
    <message>
        <location line="-260"/>
        <source>Ctrl+{number}</source>
        <translation>Ctrl+{number}</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Checking connection…</source>
        <translation>Kontrollerar anslutningen…</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Opening the database…</source>
        <translation>Öppnar databasen…</translation>
    </message>
    <message numerus="yes">
        <location line="+140"/>
        <source>%1, %n not published</source>
        <translation>
            <numerusform>%1, %n inte publicerat</numerusform>
            <numerusform>%1, %n inte publicerade</numerusform>
        </translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Sent again.</source>
        <translation>Skickat igen.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sending and inbox sync could not start: {reason}</source>
        <translation>Sändningen och hämtningen till inkorgen kunde inte starta: {reason}</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>{account} needs signing in again; its posts wait: {reason}</source>
        <translation>{account} behöver loggas in igen; kontots inlägg väntar: {reason}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Something could not be done: {reason}</source>
        <translation>Något kunde inte göras: {reason}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>● Online</source>
        <translation>● Ansluten</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>○ Offline: drafts are kept and sent later</source>
        <translation>○ Frånkopplad: utkasten sparas och skickas senare</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>Sending queue: %n</source>
        <translation>
            <numerusform>Sändningskö: %n</numerusform>
            <numerusform>Sändningskö: %n</numerusform>
        </translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Database ready</source>
        <translation>Databasen är klar</translation>
    </message>
    <message numerus="yes">
        <location line="+22"/>
        <source>%n draft(s) wait for review.</source>
        <translation>
            <numerusform>%n utkast väntar på granskning.</numerusform>
            <numerusform>%n utkast väntar på granskning.</numerusform>
        </translation>
    </message>
    <message>
        <location line="+20"/>
        <source>The database could not be opened: {reason}</source>
        <translation>Databasen kunde inte öppnas: {reason}</translation>
    </message>
</context>
<context>
    <name>ModerationReason</name>
    <message>
        <location filename="../../desktop_app/ui/inbox/reason_dialog.py" line="+24"/>
        <source>Obviously criminal content (BBS law)</source>
        <translation>Uppenbart brottsligt innehåll (BBS-lagen)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sensitive personal data</source>
        <translation>Känsliga personuppgifter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Confidential information</source>
        <translation>Sekretessbelagda uppgifter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spam</source>
        <translation>Skräp</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Off-topic</source>
        <translation>Utanför ämnet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Other (explain)</source>
        <translation>Annat (förklara)</translation>
    </message>
</context>
<context>
    <name>Networks</name>
    <message>
        <location filename="../../desktop_app/ui/targets.py" line="+56"/>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Facebook</source>
        <translation>Facebook</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mastodon</source>
        <translation>Mastodon</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Bluesky</source>
        <translation>Bluesky</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Blog (WordPress)</source>
        <translation>Blogg (WordPress)</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <location filename="../../desktop_app/ui/preview_dialog.py" line="+37"/>
        <location line="+3"/>
        <source>Preview per network</source>
        <translation>Förhandsgranskning per nätverk</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Preview for {network}</source>
        <translation>Förhandsgranskning för {network}</translation>
    </message>
    <message>
        <location line="+8"/>
        <location line="+2"/>
        <source>Preview</source>
        <translation>Förhandsgranskning</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Tick an account or a network to see a preview.</source>
        <translation>Kryssa i ett konto eller ett nätverk för att se en förhandsgranskning.</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Post {index} of {total}</source>
        <translation>Inlägg {index} av {total}</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>The text is too long for {network}: only the part above fits. Shorten it, customise it for {network}, or publish it as a thread.</source>
        <translation>Texten är för lång för {network}: bara delen ovan får plats. Korta den, anpassa den för {network} eller publicera den som en tråd.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The text is too long for {network}: only the part above fits. Shorten it or customise it for {network}.</source>
        <translation>Texten är för lång för {network}: bara delen ovan får plats. Korta den eller anpassa den för {network}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Link card</source>
        <translation>Länkkort</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Image {number} — alt text: “{alt}”</source>
        <translation>Bild {number} — alternativtext: ”{alt}”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Image {number} — ⚠ no alt text</source>
        <translation>Bild {number} — ⚠ ingen alternativtext</translation>
    </message>
</context>
<context>
    <name>QuitReminder</name>
    <message>
        <location filename="../../desktop_app/ui/quit_reminder.py" line="+56"/>
        <source>These scheduled posts are sent by this computer. If Kanal is not running at the time, they go out only when it next starts:</source>
        <translation>De här schemalagda inläggen skickas av den här datorn. Om Kanal inte är igång vid tiden publiceras de först när Kanal startas nästa gång:</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Scheduled posts are waiting</source>
        <translation>Schemalagda inlägg väntar</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Quit anyway</source>
        <translation>Avsluta ändå</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep Kanal running</source>
        <translation>Låt Kanal vara igång</translation>
    </message>
</context>
<context>
    <name>ReasonDialog</name>
    <message>
        <location filename="../../desktop_app/ui/inbox/reason_dialog.py" line="+10"/>
        <source>Hide</source>
        <translation>Dölj</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Unhide</source>
        <translation>Visa igen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete</source>
        <translation>Radera</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve</source>
        <translation>Godkänn</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark as spam</source>
        <translation>Markera som skräp</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Reason</source>
        <translation>Skäl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose a reason…</source>
        <translation>Välj ett skäl…</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Explanation</source>
        <translation>Förklaring</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Explain (required for “Other”)</source>
        <translation>Förklara (krävs för ”Annat”)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Why? The reason and the item&apos;s content go to the audit trail.</source>
        <translation>Varför? Skälet och inläggets innehåll sparas i granskningsloggen.</translation>
    </message>
</context>
<context>
    <name>RefusalBanner</name>
    <message>
        <location filename="../../desktop_app/ui/refusal_banner.py" line="+45"/>
        <source>Publication refused</source>
        <translation>Publicering nekad</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show in Sent</source>
        <translation>Visa i Skickat</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Dismiss</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dismiss the refusal message</source>
        <translation>Stäng meddelandet om nekad publicering</translation>
    </message>
    <message>
        <location line="+45"/>
        <source>{network} refused the post to {account} as a duplicate: the same text was already posted. Change the text and publish again.</source>
        <translation>{network} nekade inlägget till {account} som en dubblett: samma text har redan publicerats. Ändra texten och publicera igen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{network} refused the post to {account}. Edit it, or retry if the reason has passed.</source>
        <translation>{network} nekade inlägget till {account}. Redigera det, eller försök igen om orsaken har gått över.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Kanal stopped the post to {account} before sending: it breaks a rule of {network}. Edit it and publish again.</source>
        <translation>Kanal stoppade inlägget till {account} innan det skickades: det bryter mot en regel för {network}. Redigera det och publicera igen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The post to {account} waits: sign in to {network} again, then retry.</source>
        <translation>Inlägget till {account} väntar: logga in på {network} igen och försök sedan igen.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The post to {account} on {network} was not published.</source>
        <translation>Inlägget till {account} på {network} publicerades inte.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Kanal&apos;s check said: “{words}”</source>
        <translation>Kanals kontroll svarade: ”{words}”</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{network} said: “{words}”</source>
        <translation>{network} svarade: ”{words}”</translation>
    </message>
    <message numerus="yes">
        <location line="+5"/>
        <source>(%n more in Sent)</source>
        <translation>
            <numerusform>(%n till i Skickat)</numerusform>
            <numerusform>(%n till i Skickat)</numerusform>
        </translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Retry</source>
        <translation>Försök igen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Edit and publish again</source>
        <translation>Redigera och publicera igen</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Kanal: not published</source>
        <translation>Kanal: inte publicerat</translation>
    </message>
</context>
<context>
    <name>ReviewView</name>
    <message>
        <location filename="../../desktop_app/ui/review_view.py" line="+64"/>
        <source>Review</source>
        <translation>Granska</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Drafts waiting for review</source>
        <translation>Utkast som väntar på granskning</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing waits for review.</source>
        <translation>Inget väntar på granskning.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Reviewing is for a department that shares a team store: IT sets its address (organisation policy, or --team-url).</source>
        <translation>Granskning är till för en avdelning som delar en gruppdatabas: IT anger dess adress (organisationens policy eller --team-url).</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The draft and how it measures on each network</source>
        <translation>Utkastet och hur det mäts i varje nätverk</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reason for rejecting</source>
        <translation>Skäl för att avslå</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Why it is rejected (the drafter sees this)</source>
        <translation>Varför det avslås (skribenten ser detta)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Note on the draft</source>
        <translation>Anteckning om utkastet</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A note for the team</source>
        <translation>En anteckning till gruppen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve</source>
        <translation>Godkänn</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reject</source>
        <translation>Avslå</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Add note</source>
        <translation>Lägg till anteckning</translation>
    </message>
    <message>
        <location line="+71"/>
        <source>%1 · submitted by %2, %3</source>
        <translation>%1 · inskickat av %2, %3</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>conflicting edit</source>
        <translation>motstridig ändring</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>fits</source>
        <translation>ryms</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>too long</source>
        <translation>för långt</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Note from %1: %2</source>
        <translation>Anteckning från %1: %2</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Conflicting edit by %1</source>
        <translation>Motstridig ändring av %1</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Write why it is rejected: the drafter sees it.</source>
        <translation>Skriv varför det avslås: skribenten ser det.</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Approved: it can be published now.</source>
        <translation>Godkänt: det kan publiceras nu.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Rejected: the drafter sees your reason.</source>
        <translation>Avslaget: skribenten ser ditt skäl.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Not done: %1</source>
        <translation>Inte gjort: %1</translation>
    </message>
</context>
<context>
    <name>SavedRepliesButton</name>
    <message>
        <location filename="../../desktop_app/ui/saved_replies.py" line="+74"/>
        <source>Saved replies</source>
        <translation>Svarsmallar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Insert a saved reply</source>
        <translation>Infoga en svarsmall</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Manage saved replies…</source>
        <translation>Hantera svarsmallar…</translation>
    </message>
</context>
<context>
    <name>SavedRepliesDialog</name>
    <message>
        <location line="+24"/>
        <location line="+4"/>
        <source>Saved replies</source>
        <translation>Svarsmallar</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Name of the saved reply</source>
        <translation>Svarsmallens namn</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Text of the saved reply</source>
        <translation>Svarsmallens text</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Placeholders: {namn} the writer, {konto} our account, {datum} today</source>
        <translation>Platshållare: {namn} den som skrev, {konto} vårt konto, {datum} dagens datum</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;New</source>
        <translation>&amp;Ny</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Remove</source>
        <translation>&amp;Ta bort</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>New reply</source>
        <translation>Nytt svar</translation>
    </message>
</context>
<context>
    <name>ScheduleGuard</name>
    <message>
        <location filename="../../desktop_app/ui/schedule_guard.py" line="+30"/>
        <source>{when} has already passed (it is now {now}). Choose a later time.</source>
        <translation>{when} har redan passerat (nu är klockan {now}). Välj en senare tid.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{when} does not exist: the clocks jump forward then ({gap}). Choose another time.</source>
        <translation>{when} finns inte: klockan ställs fram då ({gap}). Välj en annan tid.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{when} happens twice when the clocks go back. Choose a time outside that hour.</source>
        <translation>{when} inträffar två gånger när klockan ställs tillbaka. Välj en tid utanför den timmen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>That time is too far ahead. Choose a time within five years.</source>
        <translation>Den tiden ligger för långt fram. Välj en tid inom fem år.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That is not a date and time.</source>
        <translation>Det är inte ett datum och en tid.</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>{networks} cannot hold a scheduled post: this computer sends it, so it must be on and Kanal running at that time.</source>
        <translation>{networks} kan inte hålla ett schemalagt inlägg: den här datorn skickar det, så den måste vara på och Kanal igång vid den tiden.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>&amp;Schedule</source>
        <translation>&amp;Schemalägg</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Publish</source>
        <translation>&amp;Publicera</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Publish now to {accounts}? It will be public at once.</source>
        <translation>Publicera nu på {accounts}? Inlägget blir offentligt direkt.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Schedule for {when} on {accounts}?</source>
        <translation>Schemalägga till {when} på {accounts}?</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Schedule the post</source>
        <translation>Schemalägg inlägget</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Publish the post</source>
        <translation>Publicera inlägget</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Schedule</source>
        <translation>Schemalägg</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Publish now</source>
        <translation>Publicera nu</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
</context>
<context>
    <name>ScheduledModel</name>
    <message>
        <location filename="../../desktop_app/ui/scheduled_view.py" line="+63"/>
        <source>When</source>
        <translation>När</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kept by</source>
        <translation>Hålls av</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The platform</source>
        <translation>Plattformen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This computer</source>
        <translation>Den här datorn</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Goes out at the time even if this computer is off.</source>
        <translation>Publiceras på utsatt tid även om datorn är avstängd.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Goes out at the time only if this computer is on and Kanal is running.</source>
        <translation>Publiceras på utsatt tid bara om datorn är på och Kanal är igång.</translation>
    </message>
</context>
<context>
    <name>ScheduledView</name>
    <message>
        <location line="+34"/>
        <source>Scheduled</source>
        <translation>Schemalagt</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Scheduled posts</source>
        <translation>Schemalagda inlägg</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>New time</source>
        <translation>Ny tid</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Move to this time</source>
        <translation>&amp;Flytta till den tiden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Cancel the post</source>
        <translation>&amp;Avbryt inlägget</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>New time:</source>
        <translation>Ny tid:</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Cancelling…</source>
        <translation>Avbryter…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The post is cancelled.</source>
        <translation>Inlägget är avbrutet.</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Choose a time in the future.</source>
        <translation>Välj en tid i framtiden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Moving…</source>
        <translation>Flyttar…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The post is moved.</source>
        <translation>Inlägget är flyttat.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Nothing is scheduled.</source>
        <translation>Inget är schemalagt.</translation>
    </message>
    <message numerus="yes">
        <location line="+2"/>
        <source>%n scheduled post(s)</source>
        <translation>
            <numerusform>%n schemalagt inlägg</numerusform>
            <numerusform>%n schemalagda inlägg</numerusform>
        </translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Posts kept by this computer go out only while it is on and Kanal runs.</source>
        <translation>Inlägg som den här datorn håller publiceras bara när den är på och Kanal är igång.</translation>
    </message>
    <message>
        <location line="+28"/>
        <source>Something went wrong: {reason}</source>
        <translation>Något gick fel: {reason}</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <location filename="../../desktop_app/ui/settings_view.py" line="+39"/>
        <source>Settings</source>
        <translation>Inställningar</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Language of the window</source>
        <translation>Fönstrets språk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>A new language is used from the next start.</source>
        <translation>Ett nytt språk används från nästa start.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Accounts ticked for a new post</source>
        <translation>Konton som kryssas i för ett nytt inlägg</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Images need alt text before publishing</source>
        <translation>Bilder måste ha alternativtext innan de publiceras</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Desktop notifications (new inbox items, refused posts)</source>
        <translation>Skrivbordsaviseringar (nya poster i inkorgen, nekade inlägg)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Ask before anything is published or scheduled</source>
        <translation>Fråga innan något publiceras eller schemaläggs</translation>
    </message>
    <message numerus="yes">
        <location line="+3"/>
        <source>Every %n minute(s)</source>
        <translation>
            <numerusform>Var %n minut</numerusform>
            <numerusform>Var %n minuter</numerusform>
        </translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How often the inbox is synced</source>
        <translation>Hur ofta inkorgen synkroniseras</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;Language:</source>
        <translation>&amp;Språk:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Default accounts:</source>
        <translation>&amp;Förvalda konton:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Alt text:</source>
        <translation>Alternativtext:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Notifications:</source>
        <translation>Aviseringar:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Publishing:</source>
        <translation>Publicering:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inbox &amp;sync:</source>
        <translation>S&amp;ynkronisering av inkorgen:</translation>
    </message>
    <message>
        <location line="+47"/>
        <source>language</source>
        <translation>språk</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>alt text</source>
        <translation>alternativtext</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set by your organisation</source>
        <translation>Inställt av din organisation</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Set by your organisation and cannot be changed here: {settings}.</source>
        <translation>Inställt av din organisation och kan inte ändras här: {settings}.</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../desktop_app/ui/shortcuts_dialog.py" line="+26"/>
        <source>Show {section}</source>
        <translation>Visa {section}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Next / previous control (also out of text fields)</source>
        <translation>Nästa / föregående kontroll (även ut ur textfält)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Publish or schedule the post (Compose); send the reply (Inbox)</source>
        <translation>Publicera eller schemalägg inlägget (Skriv); skicka svaret (Inkorg)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Next / previous inbox item</source>
        <translation>Nästa / föregående post i inkorgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Write a reply to the selected item</source>
        <translation>Skriv ett svar på den markerade posten</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Mark the selected item done</source>
        <translation>Markera den markerade posten som klar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Search the inbox</source>
        <translation>Sök i inkorgen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This overview of shortcuts</source>
        <translation>Den här översikten över kortkommandon</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+4"/>
        <source>Keyboard shortcuts</source>
        <translation>Kortkommandon</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keys</source>
        <translation>Tangenter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Action</source>
        <translation>Åtgärd</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <location filename="../../desktop_app/ui/inbox/conversation.py" line="+8"/>
        <source>Open link?</source>
        <translation>Öppna länken?</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open this address in your web browser?

%1</source>
        <translation>Vill du öppna den här adressen i webbläsaren?

%1</translation>
    </message>
    <message>
        <location filename="../../desktop_app/ui/publish_gate.py" line="+27"/>
        <source>The time cannot be used</source>
        <translation>Tiden kan inte användas</translation>
    </message>
</context>
</TS>
