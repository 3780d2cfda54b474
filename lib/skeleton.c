/* skeleton.c - the text of a new advisory; see skeleton.h */
#include "skeleton.h"

#include <string.h>

#include "error.h"

/* The comments, per language: lines separated by '\n', each written as
 * "# line". %P and %R stand for the public and restricted prefixes. */
struct words {
	const char *lang;
	const char *intro, *id, *title, *lang_key, *summary, *summary_example, *tlp, *status,
		*severity, *cvss, *cves, *cwes, *products, *references, *audience, *recipients,
		*replace, *embargo, *downgrade, *revisions, *first_revision, *body;
};

static const struct words english = {
	"en",
	"A new advisory, made by 'tlpress new'. Each key is explained in the comment\n"
	"above it; docs/advisory-format.md is the complete reference. Lines that\n"
	"start with '#' are comments: remove those you no longer need. Keys that are\n"
	"commented out are optional: remove the '#' to use one.",
	"id: the advisory's identifier for life, given by 'tlpress new' from the\n"
	"public series (%PNNNN, TLP:CLEAR) or the restricted series (%RNNNN,\n"
	"every other label). Never change it, not even when the label changes; the\n"
	"file is named after it.",
	"title: one line, at most 200 characters. Mail never carries it in clear.",
	"lang: the language of the title and the body: nl, fr or en.",
	"summary: a short plain-text summary for the feed, the index and mail.\n"
	"Without it, the first unmarked paragraph of the body is used.",
	"One or two sentences.",
	"tlp: the base label of the front matter and of all unmarked text: CLEAR,\n"
	"GREEN, AMBER, AMBER+STRICT or RED. To restrict one section only, end its\n"
	"heading with a marking, e.g. \"## Indicators [TLP:AMBER]\".",
	"status: draft (work in progress: never published nor mailed), interim\n"
	"(released while the situation develops) or final. Set interim or final to\n"
	"release it.",
	"severity: low, medium, high or critical. Default: that of the CVSS vector.",
	"cvss: a CVSS v3.1 base vector; tlpress computes its score.",
	"cves: the CVE ids it covers.",
	"cwes: the weaknesses, with their official MITRE names.",
	"products: the affected products; quote version ranges; leave 'fixed' out\n"
	"while there is no fix.",
	"references: http(s) URLs, or {url, title}.",
	"audience: whom it is written for (default: all five): oes-ci,\n"
	"public-services, administrations, companies, public.",
	"recipients: the lists and addresses that receive the restricted parts by\n"
	"encrypted mail. Required when the advisory holds AMBER, AMBER+STRICT or RED\n"
	"content; refused for CLEAR and GREEN. RED: named people's addresses only.",
	"replace with the lists or addresses cleared for it",
	"embargo: nothing is published or mailed before this time (RFC 3339, with\n"
	"the zone offset).",
	"tlp_downgrade: a lower label from a given time, approved by the source of\n"
	"the information. The id stays the same.",
	"revisions: every change that recipients must know about, at least one;\n"
	"versions 1, 2, 3 ... with ascending dates. The last is the current one.",
	"Initial publication.",
	"Describe the threat in one paragraph: what is affected, what an attacker can\n"
	"do, and what to do now. This paragraph is the summary when 'summary' is not\n"
	"set.\n"
	"\n"
	"## Recommended actions\n"
	"\n"
	"1. Install the fixed version.\n"
	"\n"
	"## References\n"
	"\n"
	"- The vendor's advisory\n",
};

static const struct words dutch = {
	"nl",
	"Een nieuw advies, gemaakt door 'tlpress new'. Elke sleutel wordt uitgelegd\n"
	"in het commentaar erboven; docs/advisory-format.md is de volledige\n"
	"referentie. Regels die met '#' beginnen zijn commentaar: verwijder wat je\n"
	"niet meer nodig hebt. Sleutels in commentaar zijn optioneel: haal het '#'\n"
	"weg om er een te gebruiken.",
	"id: de vaste identificatie van het advies, toegekend door 'tlpress new' uit\n"
	"de publieke reeks (%PNNNN, TLP:CLEAR) of de beperkte reeks (%RNNNN,\n"
	"elk ander label). Verander ze nooit, ook niet als het label verandert; het\n"
	"bestand draagt dezelfde naam.",
	"title: één regel, hoogstens 200 tekens. Gaat nooit onversleuteld per e-mail.",
	"lang: de taal van titel en tekst: nl, fr of en.",
	"summary: een korte samenvatting in platte tekst voor de feed, de index en\n"
	"e-mail. Zonder samenvatting dient de eerste ongemarkeerde alinea.",
	"Een of twee zinnen.",
	"tlp: het basislabel van de front matter en van alle ongemarkeerde tekst:\n"
	"CLEAR, GREEN, AMBER, AMBER+STRICT of RED. Om één sectie te beperken, sluit\n"
	"je de titel ervan af met een markering, bv. \"## Indicatoren [TLP:AMBER]\".",
	"status: draft (in bewerking: nooit gepubliceerd of gemaild), interim\n"
	"(uitgebracht terwijl de toestand evolueert) of final. Zet interim of final\n"
	"om het uit te brengen.",
	"severity: low, medium, high of critical. Standaard: die van de CVSS-vector.",
	"cvss: een CVSS v3.1-basisvector; tlpress berekent de score.",
	"cves: de CVE-nummers die het behandelt.",
	"cwes: de zwakheden, met hun officiële naam bij MITRE.",
	"products: de getroffen producten; zet versiebereiken tussen\n"
	"aanhalingstekens; laat 'fixed' weg zolang er geen oplossing is.",
	"references: http(s)-URL's, of {url, title}.",
	"audience: voor wie het geschreven is (standaard alle vijf): oes-ci,\n"
	"public-services, administrations, companies, public.",
	"recipients: de lijsten en adressen die de beperkte delen versleuteld per\n"
	"e-mail krijgen. Verplicht als het advies AMBER-, AMBER+STRICT- of\n"
	"RED-inhoud bevat; geweigerd bij CLEAR en GREEN. RED: enkel adressen van\n"
	"personen.",
	"vervang door de lijsten of adressen die ervoor gemachtigd zijn",
	"embargo: vóór dit tijdstip wordt niets gepubliceerd of gemaild (RFC 3339,\n"
	"met de tijdzone).",
	"tlp_downgrade: een lager label vanaf een bepaald tijdstip, goedgekeurd door\n"
	"de bron van de informatie. De id blijft dezelfde.",
	"revisions: elke wijziging die ontvangers moeten kennen, minstens één;\n"
	"versies 1, 2, 3 ... met oplopende data. De laatste is de huidige versie.",
	"Eerste publicatie.",
	"Beschrijf de dreiging in één alinea: wat getroffen is, wat een aanvaller kan\n"
	"doen en wat er nu moet gebeuren. Deze alinea is de samenvatting als\n"
	"'summary' ontbreekt.\n"
	"\n"
	"## Aanbevolen maatregelen\n"
	"\n"
	"1. Installeer de gecorrigeerde versie.\n"
	"\n"
	"## Referenties\n"
	"\n"
	"- Het advies van de leverancier\n",
};

static const struct words french = {
	"fr",
	"Un nouvel avis, créé par 'tlpress new'. Chaque clé est expliquée dans le\n"
	"commentaire au-dessus d'elle ; docs/advisory-format.md est la référence\n"
	"complète. Les lignes qui commencent par '#' sont des commentaires :\n"
	"supprimez ceux dont vous n'avez plus besoin. Les clés en commentaire sont\n"
	"facultatives : retirez le '#' pour en utiliser une.",
	"id : l'identifiant de l'avis pour toute sa vie, attribué par 'tlpress new'\n"
	"dans la série publique (%PNNNN, TLP:CLEAR) ou la série restreinte\n"
	"(%RNNNN, tout autre label). Ne le changez jamais, même quand le label\n"
	"change ; le fichier porte son nom.",
	"title : une ligne, 200 caractères au plus. Jamais en clair dans un courriel.",
	"lang : la langue du titre et du texte : nl, fr ou en.",
	"summary : un court résumé en texte brut pour le flux, l'index et les\n"
	"courriels. Sans lui, le premier paragraphe non marqué du texte est utilisé.",
	"Une ou deux phrases.",
	"tlp : le label de base de l'en-tête et de tout texte non marqué : CLEAR,\n"
	"GREEN, AMBER, AMBER+STRICT ou RED. Pour restreindre une seule section,\n"
	"terminez son titre par un marquage, p. ex. \"## Indicateurs [TLP:AMBER]\".",
	"status : draft (en cours : jamais publié ni envoyé), interim (publié\n"
	"pendant que la situation évolue) ou final. Mettez interim ou final pour le\n"
	"publier.",
	"severity : low, medium, high ou critical. Par défaut : celle du vecteur CVSS.",
	"cvss : un vecteur de base CVSS v3.1 ; tlpress en calcule le score.",
	"cves : les identifiants CVE traités.",
	"cwes : les faiblesses, avec leur nom officiel chez MITRE.",
	"products : les produits affectés ; mettez les plages de versions entre\n"
	"guillemets ; omettez 'fixed' tant qu'il n'existe pas de correctif.",
	"references : des URL http(s), ou {url, title}.",
	"audience : à qui il s'adresse (par défaut les cinq) : oes-ci,\n"
	"public-services, administrations, companies, public.",
	"recipients : les listes et adresses qui reçoivent les parties restreintes\n"
	"par courriel chiffré. Obligatoire quand l'avis contient du AMBER,\n"
	"AMBER+STRICT ou RED ; refusé pour CLEAR et GREEN. RED : des adresses\n"
	"nominatives seulement.",
	"remplacez par les listes ou adresses habilitées",
	"embargo : rien n'est publié ni envoyé avant ce moment (RFC 3339, avec le\n"
	"fuseau horaire).",
	"tlp_downgrade : un label plus bas à partir d'un moment donné, approuvé par\n"
	"la source de l'information. L'id reste le même.",
	"revisions : chaque changement que les destinataires doivent connaître, au\n"
	"moins un ; versions 1, 2, 3 ... à dates croissantes. La dernière est la\n"
	"version actuelle.",
	"Première publication.",
	"Décrivez la menace en un paragraphe : ce qui est affecté, ce qu'un attaquant\n"
	"peut faire et ce qu'il faut faire maintenant. Ce paragraphe sert de résumé\n"
	"quand 'summary' est absent.\n"
	"\n"
	"## Mesures recommandées\n"
	"\n"
	"1. Installez la version corrigée.\n"
	"\n"
	"## Références\n"
	"\n"
	"- L'avis du fabricant\n",
};

static const struct words *words_for(const char *lang)
{
	if (!strncmp(lang, "nl", 2) && (!lang[2] || lang[2] == '-'))
		return &dutch;
	if (!strncmp(lang, "fr", 2) && (!lang[2] || lang[2] == '-'))
		return &french;
	return &english;
}

/* Each line of text as "# line", with %P and %R filled in. */
static void comment(const struct tlpress_skeleton *s, const char *text, struct tlpress_buf *out)
{
	const char *p;

	tlpress_buf_adds(out, "# ");
	for (p = text; *p; p++) {
		if (*p == '\n') {
			tlpress_buf_adds(out, "\n# ");
		} else if (p[0] == '%' && (p[1] == 'P' || p[1] == 'R')) {
			p++;
			tlpress_buf_adds(out, *p == 'P' ? s->public_prefix : s->restricted_prefix);
		} else {
			tlpress_buf_addch(out, *p);
		}
	}
	tlpress_buf_addch(out, '\n');
}

void tlpress_yaml_quote(const char *s, struct tlpress_buf *out)
{
	tlpress_buf_addch(out, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			tlpress_buf_printf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			tlpress_buf_printf(out, "\\x%02x", c);
		else
			tlpress_buf_addch(out, (char)c);
	}
	tlpress_buf_addch(out, '"');
}

int tlpress_skeleton_render(const struct tlpress_skeleton *s, struct tlpress_buf *out)
{
	const struct words *w = words_for(s->lang);
	char date[64];

	tlpress_time_rfc3339(&s->now, date, sizeof(date));
	tlpress_buf_adds(out, "---\n");
	comment(s, w->intro, out);
	tlpress_buf_adds(out, "\n");
	comment(s, w->id, out);
	tlpress_buf_printf(out, "id: %s\n", s->id);
	comment(s, w->title, out);
	tlpress_buf_adds(out, "title: ");
	tlpress_yaml_quote(s->title, out);
	tlpress_buf_addch(out, '\n');
	comment(s, w->lang_key, out);
	tlpress_buf_printf(out, "lang: %s\n", s->lang);
	comment(s, w->summary, out);
	tlpress_buf_printf(out, "#summary: \"%s\"\n", w->summary_example);
	comment(s, w->tlp, out);
	tlpress_buf_printf(out, "tlp: %s\n", tlpress_tlp_name(s->tlp));
	comment(s, w->status, out);
	tlpress_buf_adds(out, "status: draft\n");
	comment(s, w->severity, out);
	tlpress_buf_adds(out, "#severity: critical\n");
	comment(s, w->cvss, out);
	tlpress_buf_adds(out, "#cvss: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\n");
	comment(s, w->cves, out);
	tlpress_buf_adds(out, "#cves: [CVE-2026-12345]\n");
	comment(s, w->cwes, out);
	tlpress_buf_adds(out, "#cwes:\n#  - {id: CWE-787, name: Out-of-bounds Write}\n");
	comment(s, w->products, out);
	tlpress_buf_adds(out, "#products:\n#  - {vendor: Vendor, product: Product, "
			 "affected: \"< 1.2.3\", fixed: \"1.2.3\"}\n");
	comment(s, w->references, out);
	tlpress_buf_adds(out, "#references:\n#  - {url: \"https://vendor.example/advisory\", "
			 "title: \"Vendor advisory\"}\n");
	comment(s, w->audience, out);
	tlpress_buf_adds(out, "#audience: [oes-ci, public-services, administrations, companies, "
			 "public]\n");
	comment(s, w->recipients, out);
	if (s->tlp >= TLPRESS_TLP_AMBER)
		tlpress_buf_printf(out, "recipients: [%s]   # %s\n", TLPRESS_SKELETON_RECIPIENT,
				   w->replace);
	else
		tlpress_buf_adds(out, "#recipients: [oes-energy, security@operator.example]\n");
	comment(s, w->embargo, out);
	tlpress_buf_adds(out, "#embargo: 2027-01-12T09:00:00+01:00\n");
	comment(s, w->downgrade, out);
	tlpress_buf_adds(out, "#tlp_downgrade: {to: CLEAR, at: 2027-01-12T09:00:00+01:00, "
			 "approved_by: \"Name, Organisation\"}\n");
	comment(s, w->revisions, out);
	tlpress_buf_printf(out, "revisions:\n  - {version: 1, date: %s, summary: \"%s\"}\n", date,
			   w->first_revision);
	tlpress_buf_adds(out, "---\n");
	tlpress_buf_adds(out, w->body);
	return out->failed ? TLPRESS_ENOMEM : 0;
}
