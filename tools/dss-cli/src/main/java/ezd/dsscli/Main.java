package ezd.dsscli;

import eu.europa.esig.dss.enumerations.DigestAlgorithm;
import eu.europa.esig.dss.enumerations.Indication;
import eu.europa.esig.dss.enumerations.SignatureLevel;
import eu.europa.esig.dss.enumerations.SignaturePackaging;
import eu.europa.esig.dss.enumerations.SubIndication;
import eu.europa.esig.dss.jaxb.object.Message;
import eu.europa.esig.dss.model.DSSDocument;
import eu.europa.esig.dss.model.FileDocument;
import eu.europa.esig.dss.model.SignatureValue;
import eu.europa.esig.dss.model.ToBeSigned;
import eu.europa.esig.dss.pades.PAdESSignatureParameters;
import eu.europa.esig.dss.pades.signature.PAdESService;
import eu.europa.esig.dss.service.crl.OnlineCRLSource;
import eu.europa.esig.dss.service.http.commons.CommonsDataLoader;
import eu.europa.esig.dss.simplereport.SimpleReport;
import eu.europa.esig.dss.spi.DSSUtils;
import eu.europa.esig.dss.spi.validation.CommonCertificateVerifier;
import eu.europa.esig.dss.spi.x509.CommonTrustedCertificateSource;
import eu.europa.esig.dss.spi.x509.tsp.KeyEntityTSPSource;
import eu.europa.esig.dss.token.DSSPrivateKeyEntry;
import eu.europa.esig.dss.token.Pkcs12SignatureToken;
import eu.europa.esig.dss.validation.SignedDocumentValidator;
import eu.europa.esig.dss.validation.reports.Reports;
import eu.europa.esig.dss.xades.XAdESSignatureParameters;
import eu.europa.esig.dss.xades.reference.CanonicalizationTransform;
import eu.europa.esig.dss.xades.reference.DSSReference;
import eu.europa.esig.dss.xades.reference.DSSTransform;
import eu.europa.esig.dss.xades.reference.EnvelopedSignatureTransform;
import eu.europa.esig.dss.xades.reference.XPathEnvelopedSignatureTransform;
import eu.europa.esig.dss.xades.signature.XAdESService;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The EU DSS library as a tiny command line, for ezd's comparison tests.
 *
 * <pre>
 * validate --trust CA.pem [--trust ...]      reads lines "FILE[\tDETACHED...]" on stdin and prints
 *                                            one JSON line per file: the simple report's
 *                                            indication/subindication per signature
 * sign IN OUT --p12 P12 [--format XADES|PADES] [--packaging ENVELOPED|ENVELOPING|DETACHED]
 *      [--transform default|enveloped|xpath] [--tsa-p12 P12]   (B level; T with --tsa-p12)
 * sign-batch                                 reads one tab-separated "sign" argument list per
 *                                            line on stdin (one JVM for a whole corpus)
 * </pre>
 * Key passwords come from the environment (DSS_CLI_PASSWORD), never from the command line.
 */
public final class Main {
    private static final String C14N_EXCL = "http://www.w3.org/2001/10/xml-exc-c14n#";

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: validate|sign ...");
            System.exit(2);
        }
        switch (args[0]) {
            case "validate" -> validate(args);
            case "sign" -> sign(args);
            case "sign-batch" -> signBatch();
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static List<String> option(String[] args, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                out.add(args[i + 1]);
            }
        }
        return out;
    }

    private static String option1(String[] args, String name, String dflt) {
        List<String> all = option(args, name);
        return all.isEmpty() ? dflt : all.get(all.size() - 1);
    }

    private static CommonCertificateVerifier verifier(String[] args) {
        CommonCertificateVerifier cv = new CommonCertificateVerifier();
        CommonTrustedCertificateSource trusted = new CommonTrustedCertificateSource();
        for (String pem : option(args, "--trust")) {
            trusted.addCertificate(DSSUtils.loadCertificate(new File(pem)));
        }
        cv.setTrustedCertSources(trusted);
        // revocation only from the CRL distribution points (a loopback server in the tests);
        // no OCSP, no AIA downloads: nothing may leave the machine
        cv.setCrlSource(new OnlineCRLSource(new CommonsDataLoader()));
        cv.setOcspSource(null);
        cv.setAIASource(null);
        return cv;
    }

    private static void validate(String[] args) throws Exception {
        CommonCertificateVerifier cv = verifier(args);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t");
            StringBuilder json = new StringBuilder("{\"file\":").append(q(parts[0]));
            try {
                SignedDocumentValidator v = SignedDocumentValidator.fromDocument(new FileDocument(parts[0]));
                v.setCertificateVerifier(cv);
                List<DSSDocument> detached = new ArrayList<>();
                for (int i = 1; i < parts.length; i++) {
                    detached.add(new FileDocument(parts[i]));
                }
                if (!detached.isEmpty()) {
                    v.setDetachedContents(detached);
                }
                Reports reports = v.validateDocument();
                SimpleReport s = reports.getSimpleReport();
                json.append(",\"signatures\":[");
                boolean first = true;
                for (String id : s.getSignatureIdList()) {
                    Indication ind = s.getIndication(id);
                    SubIndication sub = s.getSubIndication(id);
                    SignatureLevel fmt = s.getSignatureFormat(id);
                    StringBuilder errs = new StringBuilder("[");
                    for (Message m : s.getAdESValidationErrors(id)) {
                        errs.append(errs.length() > 1 ? "," : "").append(q(m.getValue()));
                    }
                    errs.append("]");
                    json.append(first ? "" : ",").append("{\"id\":").append(q(id))
                        .append(",\"indication\":").append(q(ind == null ? null : ind.name()))
                        .append(",\"subindication\":").append(q(sub == null ? null : sub.name()))
                        .append(",\"format\":").append(q(fmt == null ? null : fmt.name()))
                        .append(",\"errors\":").append(errs).append("}");
                    first = false;
                }
                json.append("]");
            } catch (Exception e) {
                json.append(",\"error\":").append(q(e.getClass().getSimpleName() + ": " + e.getMessage()));
            }
            System.out.println(json.append("}"));
            System.out.flush();
        }
    }

    private static void signBatch() throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.isBlank()) {
                String[] rest = line.split("\t");
                String[] args = new String[rest.length + 1];
                args[0] = "sign";
                System.arraycopy(rest, 0, args, 1, rest.length);
                sign(args);
                System.out.println(args[2]);
                System.out.flush();
            }
        }
    }

    private static void sign(String[] args) throws Exception {
        String in = args[1];
        String out = args[2];
        char[] password = System.getenv().getOrDefault("DSS_CLI_PASSWORD", "").toCharArray();
        String format = option1(args, "--format", "XADES");
        String tsaP12 = option1(args, "--tsa-p12", null);
        try (Pkcs12SignatureToken token = new Pkcs12SignatureToken(option1(args, "--p12", null),
                new KeyStore.PasswordProtection(password))) {
            DSSPrivateKeyEntry key = token.getKeys().get(0);
            CommonCertificateVerifier cv = verifier(args);
            DSSDocument doc = new FileDocument(in);
            KeyEntityTSPSource tsp = null;
            if (tsaP12 != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (var stream = new java.io.FileInputStream(tsaP12)) {
                    ks.load(stream, password);
                }
                String alias = ks.aliases().nextElement();
                tsp = new KeyEntityTSPSource(ks, alias, password);
                tsp.setTsaPolicy("1.2.3.4.5");
            }
            DSSDocument signed;
            if (format.equals("PADES")) {
                PAdESSignatureParameters p = new PAdESSignatureParameters();
                p.setSignatureLevel(tsp == null ? SignatureLevel.PAdES_BASELINE_B : SignatureLevel.PAdES_BASELINE_T);
                p.setDigestAlgorithm(DigestAlgorithm.SHA256);
                p.setSigningCertificate(key.getCertificate());
                p.setCertificateChain(key.getCertificateChain());
                PAdESService svc = new PAdESService(cv);
                if (tsp != null) {
                    svc.setTspSource(tsp);
                }
                ToBeSigned tbs = svc.getDataToSign(doc, p);
                SignatureValue sv = token.sign(tbs, p.getDigestAlgorithm(), key);
                signed = svc.signDocument(doc, p, sv);
            } else {
                XAdESSignatureParameters p = new XAdESSignatureParameters();
                p.setSignatureLevel(tsp == null ? SignatureLevel.XAdES_BASELINE_B : SignatureLevel.XAdES_BASELINE_T);
                SignaturePackaging packaging = SignaturePackaging.valueOf(option1(args, "--packaging", "ENVELOPED"));
                p.setSignaturePackaging(packaging);
                p.setDigestAlgorithm(DigestAlgorithm.SHA256);
                p.setSigningCertificate(key.getCertificate());
                p.setCertificateChain(key.getCertificateChain());
                String transform = option1(args, "--transform", "default");
                if (packaging == SignaturePackaging.ENVELOPED && !transform.equals("default")) {
                    // "default" leaves DSS's own choice (XPath Filter 2.0); the others are the
                    // classic enveloped-signature transform and the XPath 1.0 filter
                    List<DSSTransform> transforms = new ArrayList<>();
                    transforms.add(transform.equals("xpath") ? new XPathEnvelopedSignatureTransform()
                        : new EnvelopedSignatureTransform());
                    transforms.add(new CanonicalizationTransform(C14N_EXCL));
                    DSSReference ref = new DSSReference();
                    ref.setId("r-" + key.getCertificate().getDSSIdAsString().substring(0, 8) + "-1");
                    ref.setUri("");
                    ref.setContents(doc);
                    ref.setDigestMethodAlgorithm(DigestAlgorithm.SHA256);
                    ref.setTransforms(transforms);
                    p.setReferences(List.of(ref));
                }
                XAdESService svc = new XAdESService(cv);
                if (tsp != null) {
                    svc.setTspSource(tsp);
                }
                ToBeSigned tbs = svc.getDataToSign(doc, p);
                SignatureValue sv = token.sign(tbs, p.getDigestAlgorithm(), key);
                signed = svc.signDocument(doc, p, sv);
            }
            signed.save(out);
        }
    }

    private static String q(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
