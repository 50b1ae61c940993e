"""Header words of layouts no preset knows, in English and six other languages.

The tables are keyed by target (a canonical field, or a role such as `@currency`) and hold
normalised headers (see `presets.normalize_header`: lower case, single spaces, a currency
in brackets removed). A header names one target only: `tests/core/io/test_synonyms.py`
checks every entry and that no header appears under two targets.

Words an ad platform also uses are read with the ad meaning by the ad presets
(`presets.resolve` turns a guessed `conversions` into `ad_conversions` for an ad export),
so these tables name the web-analytics / bot meaning.
"""

from __future__ import annotations

from collections.abc import Mapping

#: English words of hand-made trackers and unknown exports (beyond the bot preset's).
ENGLISH: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "reporting date", "report date"),
    "campaign": (
        "campaign",
        "campaign name",
        "utm_campaign",
        "utm campaign",
        "session campaign",
        "insertion order",
    ),
    "source_medium": ("source / medium", "source/medium", "session source / medium"),
    "visitors": ("visitors", "sessions", "website visitors", "visits", "site visits"),
    "conversions": (
        "conversions",
        "key events",
        "purchases",
        "orders",
        "sign-ups",
        "signups",
        "bookings",
        "leads",
    ),
    "conversion_value": (
        "conversion value",
        "revenue",
        "total revenue",
        "sales",
        "purchase value",
        "value",
    ),
    "spend": ("spend", "cost", "amount spent", "ad spend", "media cost", "budget spent"),
    "other_cost": (
        "other cost",
        "other costs",
        "fees",
        "platform fees",
        "agency fees",
        "creative cost",
    ),
    "impressions": ("impressions", "impr."),
    "ad_clicks": ("ad clicks",),
    "@currency": ("currency", "currency code"),
}

#: What bot platforms call the messages they did not understand.
UNMATCHED_HEADERS = (
    "unmatched responses",
    "unmatched phrases",
    "unmatched messages",
    "unhandled messages",
    "unanswered messages",
    "unrecognized messages",
    "unrecognised messages",
    "missed messages",
    "not understood",
    "messages not understood",
    "fallback",
    "fallbacks",
    "fallback messages",
    "fallback responses",
    "default reply",
    "default replies",
    "default reply sent",
    "default answer",
    "default answers",
    "no match",
    "no-match",
)

LANGUAGES = ("de", "fr", "es", "it", "pt", "nl")

#: Per canonical field, its headers in German, French, Spanish, Italian, Portuguese, Dutch.
LOCALISED: dict[str, dict[str, tuple[str, ...]]] = {
    "date": {
        "de": ("datum", "tag"),
        "fr": ("jour",),
        "es": ("fecha", "día"),
        "it": ("data", "giorno"),
        "pt": ("data", "dia"),
        "nl": ("datum", "dag"),
    },
    "campaign": {
        "de": ("kampagne", "kampagnenname", "sitzungskampagne"),
        "fr": ("campagne", "nom de la campagne"),
        "es": ("campaña", "nombre de la campaña"),
        "it": ("campagna", "nome della campagna"),
        "pt": ("campanha", "nome da campanha"),
        "nl": ("campagne", "campagnenaam"),
    },
    "channel": {
        "de": ("kanal",),
        "fr": ("canal",),
        "es": ("canal",),
        "it": ("canale",),
        "pt": ("canal",),
        "nl": ("kanaal",),
    },
    "variant": {
        "de": ("variante",),
        "fr": ("variante",),
        "es": ("variante",),
        "it": ("variante",),
        "pt": ("variante",),
        "nl": ("versie",),
    },
    "users": {
        "de": ("nutzer", "benutzer"),
        "fr": ("utilisateurs",),
        "es": ("usuarios",),
        "it": ("utenti",),
        "pt": ("usuários", "utilizadores"),
        "nl": ("gebruikers",),
    },
    "interactions": {
        "de": ("interaktionen",),
        "fr": ("interactions avec le bot",),
        "es": ("interacciones",),
        "it": ("interazioni",),
        "pt": ("interações",),
        "nl": ("interacties",),
    },
    "declared_data_points": {
        "de": ("angegebene datenpunkte", "erfasste attribute"),
        "fr": ("données déclarées", "points de données déclarés"),
        "es": ("datos declarados", "puntos de datos declarados"),
        "it": ("dati dichiarati",),
        "pt": ("dados declarados",),
        "nl": ("opgegeven gegevens", "verklaarde datapunten"),
    },
    "clicks": {
        "de": ("klicks", "website-klicks", "klicks zur website"),
        "fr": ("clics", "clics vers le site"),
        "es": ("clics", "clics al sitio web"),
        "it": ("clic", "clic al sito"),
        "pt": ("cliques", "cliques no site"),
        "nl": ("klikken", "klikken naar website"),
    },
    "matched_responses": {
        "de": ("erkannte antworten", "erkannte nachrichten"),
        "fr": ("réponses reconnues",),
        "es": ("respuestas reconocidas",),
        "it": ("risposte riconosciute",),
        "pt": ("respostas reconhecidas",),
        "nl": ("herkende antwoorden",),
    },
    "total_messages": {
        "de": ("nachrichten", "nachrichten gesamt", "empfangene nachrichten"),
        "fr": ("messages reçus",),
        "es": ("mensajes", "mensajes recibidos"),
        "it": ("messaggi", "messaggi ricevuti"),
        "pt": ("mensagens", "mensagens recebidas"),
        "nl": ("berichten", "ontvangen berichten"),
    },
    "visitors": {
        "de": ("besucher", "sitzungen"),
        "fr": ("visiteurs", "visites"),
        "es": ("visitantes", "sesiones"),
        "it": ("visitatori", "sessioni"),
        "pt": ("visitantes", "sessões"),
        "nl": ("bezoekers", "sessies"),
    },
    "conversions": {
        "de": ("konversionen", "schlüsselereignisse", "käufe"),
        "fr": ("événements clés", "achats"),
        "es": ("conversiones", "eventos clave", "compras"),
        "it": ("conversioni", "eventi chiave", "acquisti"),
        "pt": ("conversões", "eventos principais", "compras"),
        "nl": ("conversies", "belangrijke gebeurtenissen", "aankopen"),
    },
    "conversion_value": {
        "de": ("umsatz", "gesamtumsatz", "conversion-wert", "einnahmen"),
        "fr": ("revenus", "chiffre d'affaires", "valeur de conversion", "revenu total"),
        "es": ("ingresos", "ingresos totales", "valor de conversión"),
        "it": ("entrate", "entrate totali", "fatturato", "valore di conversione"),
        "pt": ("receita", "receita total", "valor da conversão"),
        "nl": ("omzet", "opbrengst", "totale opbrengst", "conversiewaarde"),
    },
    "spend": {
        "de": ("kosten", "ausgaben", "ausgegebener betrag"),
        "fr": ("dépenses", "coût", "montant dépensé"),
        "es": ("gasto", "coste", "costo", "importe gastado"),
        "it": ("spesa", "costo", "importo speso"),
        "pt": ("gasto", "custo", "valor gasto", "valor usado"),
        "nl": ("uitgaven", "kosten", "besteed bedrag"),
    },
    "other_cost": {
        "de": ("sonstige kosten", "gebühren"),
        "fr": ("autres coûts", "frais"),
        "es": ("otros costes", "otros costos", "comisiones"),
        "it": ("altri costi", "commissioni"),
        "pt": ("outros custos", "taxas"),
        "nl": ("overige kosten", "vergoedingen"),
    },
    "ad_recall_exposed": {
        "de": ("anzeigenerinnerung (exponiert)",),
        "fr": ("mémorisation publicitaire (exposés)",),
        "es": ("recuerdo del anuncio (expuestos)",),
        "it": ("ricordo dell'annuncio (esposti)",),
        "pt": ("lembrança do anúncio (expostos)",),
        "nl": ("advertentieherinnering (blootgesteld)",),
    },
    "ad_recall_control": {
        "de": ("anzeigenerinnerung (kontrolle)",),
        "fr": ("mémorisation publicitaire (contrôle)",),
        "es": ("recuerdo del anuncio (control)",),
        "it": ("ricordo dell'annuncio (controllo)",),
        "pt": ("lembrança do anúncio (controle)",),
        "nl": ("advertentieherinnering (controle)",),
    },
    "intent_exposed": {
        "de": ("kaufabsicht (exponiert)",),
        "fr": ("intention d'achat (exposés)",),
        "es": ("intención de compra (expuestos)",),
        "it": ("intenzione d'acquisto (esposti)",),
        "pt": ("intenção de compra (expostos)",),
        "nl": ("koopintentie (blootgesteld)",),
    },
    "intent_control": {
        "de": ("kaufabsicht (kontrolle)",),
        "fr": ("intention d'achat (contrôle)",),
        "es": ("intención de compra (control)",),
        "it": ("intenzione d'acquisto (controllo)",),
        "pt": ("intenção de compra (controle)",),
        "nl": ("koopintentie (controle)",),
    },
    "impressions": {
        "de": ("impressionen",),
        "fr": ("impressions",),
        "es": ("impresiones",),
        "it": ("impressioni",),
        "pt": ("impressões",),
        "nl": ("vertoningen", "impressies"),
    },
    "ad_clicks": {
        "de": ("anzeigenklicks",),
        "fr": ("clics sur l'annonce",),
        "es": ("clics en el anuncio",),
        "it": ("clic sull'annuncio",),
        "pt": ("cliques no anúncio",),
        "nl": ("advertentieklikken",),
    },
    "ad_conversions": {
        "de": ("anzeigen-conversions",),
        "fr": ("conversions publicitaires",),
        "es": ("conversiones de anuncios",),
        "it": ("conversioni degli annunci",),
        "pt": ("conversões de anúncios",),
        "nl": ("advertentieconversies",),
    },
    "ad_conversion_value": {
        "de": ("anzeigen-conversion-wert",),
        "fr": ("valeur de conversion publicitaire",),
        "es": ("valor de conversión de anuncios",),
        "it": ("valore di conversione degli annunci",),
        "pt": ("valor de conversão de anúncios",),
        "nl": ("advertentieconversiewaarde",),
    },
    "source_medium": {
        "de": ("quelle/medium", "quelle / medium", "sitzungsquelle/-medium"),
        "fr": ("source/support", "source / support"),
        "es": ("fuente/medio", "fuente / medio"),
        "it": ("sorgente/mezzo", "sorgente / mezzo"),
        "pt": ("origem/mídia", "origem / mídia"),
        "nl": ("bron/medium", "bron / medium"),
    },
    "currency": {
        "de": ("währung", "währungscode"),
        "fr": ("devise",),
        "es": ("moneda", "divisa"),
        "it": ("valuta",),
        "pt": ("moeda",),
        "nl": ("munteenheid",),
    },
}


def header_map(
    english: Mapping[str, tuple[str, ...]] = ENGLISH,
    localised: Mapping[str, Mapping[str, tuple[str, ...]]] = LOCALISED,
) -> dict[str, str]:
    """Normalised header -> target, from both tables."""
    out: dict[str, str] = {}
    for target, headers in english.items():
        out.update(dict.fromkeys(headers, target))
    for target, languages in localised.items():
        for headers in languages.values():
            out.update(dict.fromkeys(headers, target))
    return out
