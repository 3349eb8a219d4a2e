package smartcitizen.elasticsearch;

import java.io.Reader;
import java.io.StringReader;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.synonym.SolrSynonymParser;
import org.apache.lucene.analysis.synonym.SynonymFilter;
import org.apache.lucene.analysis.synonym.SynonymGraphFilter;
import org.apache.lucene.analysis.synonym.SynonymMap;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.Build;
import org.elasticsearch.cluster.ClusterState;
import org.elasticsearch.cluster.metadata.IndexNameExpressionResolver;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.cluster.service.ClusterService;
import org.elasticsearch.common.io.stream.NamedWriteableRegistry;
import org.elasticsearch.common.settings.ClusterSettings;
import org.elasticsearch.common.settings.IndexScopedSettings;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.common.settings.SettingsFilter;
import org.elasticsearch.env.Environment;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.index.IndexService.IndexCreationContext;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.IndexVersion;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.CustomAnalyzer;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.BaseRestHandler;
import org.elasticsearch.rest.RestController;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;
import org.elasticsearch.xcontent.XContentBuilder;
import org.tartarus.snowball.ext.FrenchStemmer;

/**
 * Stand-in for two Elasticsearch modules that Maven Central does not carry for 8.x.
 *
 * Elastic's integ-test-zip distribution (the only ES 8 server build on Central) ships just
 * transport-netty4, x-pack-core, x-pack-security and apm. This plugin adds, on Lucene's own
 * classes, the subset of modules/analysis-common the project uses (same type names and settings)
 * and the GET/HEAD / endpoint of modules/rest-root (used by Elasticsearch.info() and ping()).
 * It also has the {@code synonym} and {@code synonym_graph} filters (Solr rule format, inline
 * {@code synonyms} or {@code synonyms_path}), built like analysis-common's: rules are analysed by
 * the filters that precede them in the chain. Anything else from analysis-common (word_delimiter,
 * other languages, synonyms_set, the WordNet format, ...) is absent: add it here if a test needs it.
 */
public class SmartCitizenPlugin extends Plugin implements AnalysisPlugin, ActionPlugin {

    private volatile ClusterService clusterService;

    @Override
    public Collection<?> createComponents(PluginServices services) {
        clusterService = services.clusterService();
        return List.of();
    }

    // ---------------------------------------------------------------- token filters

    /** A configurable filter; normalizing ones may also be used in normalizers. */
    private static TokenFilterFactory filter(String name, Settings settings, boolean normalizing,
                                             Function<TokenStream, TokenStream> fn) {
        if (normalizing) {
            class Normalizing extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
                Normalizing() { super(name, settings); }
                @Override public TokenStream create(TokenStream ts) { return fn.apply(ts); }
            }
            return new Normalizing();
        }
        return new AbstractTokenFilterFactory(name, settings) {
            @Override public TokenStream create(TokenStream ts) { return fn.apply(ts); }
        };
    }

    private static final Map<String, Function<TokenStream, TokenStream>> STEMMERS = Map.ofEntries(
        Map.entry("french", ts -> new SnowballFilter(ts, new FrenchStemmer())),
        Map.entry("light_french", FrenchLightStemFilter::new),
        Map.entry("lightFrench", FrenchLightStemFilter::new),
        Map.entry("minimal_french", FrenchMinimalStemFilter::new),
        Map.entry("minimalFrench", FrenchMinimalStemFilter::new),
        Map.entry("english", PorterStemFilter::new),
        Map.entry("porter", PorterStemFilter::new),
        Map.entry("light_english", KStemFilter::new),
        Map.entry("lightEnglish", KStemFilter::new),
        Map.entry("kstem", KStemFilter::new),
        Map.entry("minimal_english", EnglishMinimalStemFilter::new),
        Map.entry("minimalEnglish", EnglishMinimalStemFilter::new),
        Map.entry("possessive_english", EnglishPossessiveFilter::new),
        Map.entry("possessiveEnglish", EnglishPossessiveFilter::new));

    private static void checkNgramDiff(IndexSettings index, int min, int max, String what) {
        if (min > max) {
            throw new IllegalArgumentException("[" + what + "] min_gram [" + min + "] is greater than max_gram [" + max + "]");
        }
        if (max - min > index.getMaxNgramDiff()) {
            throw new IllegalArgumentException("The difference between max_gram and min_gram in NGram " + what
                + " must be less than or equal to: [" + index.getMaxNgramDiff() + "] but was [" + (max - min)
                + "]. This limit can be set by changing the [" + IndexSettings.MAX_NGRAM_DIFF_SETTING.getKey() + "] index level setting.");
        }
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new TreeMap<>();
        m.put("lowercase", (idx, env, name, s) -> {
            String lang = s.get("language");
            Function<TokenStream, TokenStream> fn;
            if (lang == null) fn = LowerCaseFilter::new;
            else if (lang.equalsIgnoreCase("greek")) fn = GreekLowerCaseFilter::new;
            else if (lang.equalsIgnoreCase("irish")) fn = IrishLowerCaseFilter::new;
            else if (lang.equalsIgnoreCase("turkish")) fn = TurkishLowerCaseFilter::new;
            else throw new IllegalArgumentException("language [" + lang + "] not support for lower case");
            return filter(name, s, true, fn);
        });
        m.put("uppercase", (idx, env, name, s) -> filter(name, s, true, UpperCaseFilter::new));
        m.put("asciifolding", (idx, env, name, s) -> {
            boolean preserve = s.getAsBoolean("preserve_original", false);
            class Folding extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
                Folding() { super(name, s); }
                @Override public TokenStream create(TokenStream ts) { return new ASCIIFoldingFilter(ts, preserve); }
                @Override public TokenStream normalize(TokenStream ts) { return new ASCIIFoldingFilter(ts, false); }
            }
            return new Folding();
        });
        m.put("elision", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            CharArraySet articles = Analysis.parseArticles(env, s);
            if (articles == null) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
            return filter(name, s, true, ts -> new ElisionFilter(ts, articles));
        }));
        m.put("stemmer", (idx, env, name, s) -> {
            String lang = s.get("language", s.get("name", "porter"));
            Function<TokenStream, TokenStream> fn = STEMMERS.get(lang);
            if (fn == null) {
                throw new IllegalArgumentException("stemmer language [" + lang + "] is not supported by the smartcitizen "
                    + "analysis plugin (supported: " + new TreeMap<>(STEMMERS).keySet() + ")");
            }
            return filter(name, s, false, fn);
        });
        m.put("edge_ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1), max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            if (s.get("side") != null && !"front".equals(s.get("side"))) {
                throw new IllegalArgumentException("edge_ngram [side] other than [front] is not supported");
            }
            return filter(name, s, false, ts -> new EdgeNGramTokenFilter(ts, min, max, preserve));
        });
        m.put("ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1), max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            checkNgramDiff(idx, min, max, "Token Filter");
            return filter(name, s, false, ts -> new NGramTokenFilter(ts, min, max, preserve));
        });
        m.put("trim", (idx, env, name, s) -> filter(name, s, true, TrimFilter::new));
        m.put("length", (idx, env, name, s) -> {
            int min = s.getAsInt("min", 0), max = s.getAsInt("max", Integer.MAX_VALUE);
            return filter(name, s, false, ts -> new LengthFilter(ts, min, max));
        });
        m.put("truncate", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            int length = s.getAsInt("length", 10);
            return filter(name, s, false, ts -> new TruncateTokenFilter(ts, length));
        }));
        m.put("synonym", AnalysisPlugin.requiresAnalysisSettings(
            (idx, env, name, s) -> new Synonyms(env, name, s, false)));
        m.put("synonym_graph", AnalysisPlugin.requiresAnalysisSettings(
            (idx, env, name, s) -> new Synonyms(env, name, s, true)));
        return m;
    }

    /**
     * {@code synonym} / {@code synonym_graph}: the rules are parsed once per analyzer, through that
     * analyzer's own tokenizer and preceding filters (as analysis-common does), so that a rule
     * "vélo, bicyclette" matches text that was lower-cased, folded and stemmed before it.
     * Settings: {@code synonyms} (list) or {@code synonyms_path}, {@code expand} (true),
     * {@code format} ("solr" only). A rule the chain reduces to nothing (a stop word) is an error.
     */
    private static final class Synonyms extends AbstractTokenFilterFactory {
        private final Environment env;
        private final Settings settings;
        private final boolean graph;
        private final boolean expand;

        Synonyms(Environment env, String name, Settings settings, boolean graph) {
            super(name, settings);
            this.env = env;
            this.settings = settings;
            this.graph = graph;
            this.expand = settings.getAsBoolean("expand", true);
            String format = settings.get("format", "solr");
            if (!format.isEmpty() && !"solr".equalsIgnoreCase(format)) {
                throw new IllegalArgumentException("synonym format [" + format + "] is not supported by the "
                    + "smartcitizen analysis plugin (only solr)");
            }
            if (settings.hasValue("synonyms_set") || settings.getAsBoolean("updateable", false)
                    || settings.getAsBoolean("lenient", false)) {
                throw new IllegalArgumentException("[synonyms_set], [updateable] and [lenient] synonyms are not "
                    + "supported by the smartcitizen analysis plugin");
            }
            if (Analysis.getWordList(env, settings, "synonyms") == null) {
                throw new IllegalArgumentException("synonym requires either `synonyms` or `synonyms_path` to be configured");
            }
        }

        @Override
        public TokenStream create(TokenStream ts) {
            throw new IllegalStateException("a synonym filter must be specialised for its analysis chain first");
        }

        @Override
        public TokenFilterFactory getChainAwareTokenFilterFactory(IndexCreationContext context, TokenizerFactory tokenizer,
                                                                  List<CharFilterFactory> charFilters,
                                                                  List<TokenFilterFactory> previous,
                                                                  Function<String, TokenFilterFactory> allFilters) {
            Analyzer chain = new CustomAnalyzer(tokenizer, charFilters.toArray(new CharFilterFactory[0]),
                previous.stream().map(TokenFilterFactory::getSynonymFilter).toArray(TokenFilterFactory[]::new));
            SynonymMap map = parse(chain);
            String filterName = name();
            return new TokenFilterFactory() {
                @Override public String name() { return filterName; }

                @Override public TokenStream create(TokenStream ts) {
                    if (map.fst == null) return ts;
                    return graph ? new SynonymGraphFilter(ts, map, false) : new SynonymFilter(ts, map, false);
                }

                // A later synonym filter's rules must not go through this one (no stacked tokens there).
                @Override public TokenFilterFactory getSynonymFilter() { return IDENTITY_FILTER; }
            };
        }

        private SynonymMap parse(Analyzer chain) {
            StringBuilder rules = new StringBuilder();
            for (String line : Analysis.getWordList(env, settings, "synonyms")) {
                rules.append(line).append('\n');
            }
            SolrSynonymParser parser = new SolrSynonymParser(true, expand, chain);
            try {
                parser.parse(new StringReader(rules.toString()));
                return parser.build();
            } catch (Exception e) {
                throw new IllegalArgumentException("failed to build synonyms for [" + name() + "]: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        // "lowercase" and "stop" are already pre-configured by the server itself.
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new),
            PreConfiguredTokenFilter.singleton("elision", true, ts -> new ElisionFilter(ts, FrenchAnalyzer.DEFAULT_ARTICLES)),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("edge_ngram", false, false, ts -> new EdgeNGramTokenFilter(ts, 1)),
            PreConfiguredTokenFilter.singleton("ngram", false, false, ts -> new NGramTokenFilter(ts, 1, 2, false)),
            PreConfiguredTokenFilter.singleton("french_stem", false, ts -> new SnowballFilter(ts, new FrenchStemmer())),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new));
    }

    // ---------------------------------------------------------------- tokenizers

    private static TokenizerFactory tokenizer(IndexSettings idx, Settings s, String name, Supplier<Tokenizer> fn) {
        return new AbstractTokenizerFactory(idx, s, name) {
            @Override public Tokenizer create() { return fn.get(); }
        };
    }

    /** token_chars / custom_token_chars of the ngram tokenizers; empty means "keep every character". */
    private static IntPredicate tokenChars(Settings s) {
        List<String> classes = s.getAsList("token_chars");
        if (classes.isEmpty()) return c -> true;
        String custom = s.get("custom_token_chars", "");
        IntPredicate p = c -> false;
        for (String cls : classes) {
            IntPredicate q = switch (cls.toLowerCase(java.util.Locale.ROOT)) {
                case "letter" -> Character::isLetter;
                case "digit" -> Character::isDigit;
                case "whitespace" -> Character::isWhitespace;
                case "punctuation" -> c -> switch (Character.getType(c)) {
                    case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                         Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                         Character.FINAL_QUOTE_PUNCTUATION -> true;
                    default -> false;
                };
                case "symbol" -> c -> switch (Character.getType(c)) {
                    case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL,
                         Character.MODIFIER_SYMBOL -> true;
                    default -> false;
                };
                case "custom" -> c -> custom.indexOf(c) >= 0;
                default -> throw new IllegalArgumentException("Unknown token type: '" + cls + "'");
            };
            p = p.or(q);
        }
        return p;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> m = new TreeMap<>();
        m.put("keyword", (idx, env, name, s) -> {
            int buffer = s.getAsInt("buffer_size", 256);
            return tokenizer(idx, s, name, () -> new KeywordTokenizer(buffer));
        });
        m.put("whitespace", (idx, env, name, s) -> {
            int max = s.getAsInt("max_token_length", 255);
            return tokenizer(idx, s, name, () -> new WhitespaceTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, max));
        });
        m.put("letter", (idx, env, name, s) -> tokenizer(idx, s, name, LetterTokenizer::new));
        m.put("edge_ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1), max = s.getAsInt("max_gram", 2);
            IntPredicate keep = tokenChars(s);
            return tokenizer(idx, s, name, () -> new EdgeNGramTokenizer(min, max) {
                @Override protected boolean isTokenChar(int c) { return keep.test(c); }
            });
        });
        m.put("ngram", (idx, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1), max = s.getAsInt("max_gram", 2);
            checkNgramDiff(idx, min, max, "Tokenizer");
            IntPredicate keep = tokenChars(s);
            return tokenizer(idx, s, name, () -> new NGramTokenizer(min, max) {
                @Override protected boolean isTokenChar(int c) { return keep.test(c); }
            });
        });
        return m;
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("letter", LetterTokenizer::new),
            PreConfiguredTokenizer.singleton("edge_ngram", () -> new EdgeNGramTokenizer(1, 2)),
            PreConfiguredTokenizer.singleton("ngram", NGramTokenizer::new));
    }

    // ---------------------------------------------------------------- char filters

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> m = new TreeMap<>();
        m.put("html_strip", (idx, env, name, s) -> {
            HashSet<String> escaped = new HashSet<>(s.getAsList("escaped_tags"));
            return new AbstractCharFilterFactory(name) {
                @Override public Reader create(Reader r) { return new HTMLStripCharFilter(r, escaped); }
            };
        });
        m.put("mapping", AnalysisPlugin.requiresAnalysisSettings((idx, env, name, s) -> {
            List<String> rules = Analysis.getWordList(env, s, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap.Builder b = new NormalizeCharMap.Builder();
            for (String rule : rules) {
                int arrow = rule.indexOf("=>");
                if (arrow < 0) throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
                String from = unescape(rule.substring(0, arrow).trim()), to = unescape(rule.substring(arrow + 2).trim());
                if (from.isEmpty()) throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
                b.add(from, to);
            }
            NormalizeCharMap map = b.build();
            class Mapping extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
                Mapping() { super(name); }
                @Override public Reader create(Reader r) { return new MappingCharFilter(map, r); }
            }
            return new Mapping();
        }));
        return m;
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) { out.append(c); continue; }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> { out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                default -> out.append(n);
            }
        }
        return out.toString();
    }

    @Override
    public List<PreConfiguredCharFilter> getPreConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    // ---------------------------------------------------------------- analyzers

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        return Map.of("french", (idx, env, name, s) -> {
            FrenchAnalyzer analyzer = new FrenchAnalyzer(
                Analysis.parseStopWords(env, s, FrenchAnalyzer.getDefaultStopSet()),
                Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET));
            return new AbstractIndexAnalyzerProvider<FrenchAnalyzer>(name, s) {
                @Override public FrenchAnalyzer get() { return analyzer; }
            };
        });
    }

    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        return List.of(new PreBuiltAnalyzerProviderFactory("french", CachingStrategy.LUCENE, FrenchAnalyzer::new));
    }

    // ---------------------------------------------------------------- GET / and HEAD / (rest-root)

    @Override
    public Collection<RestHandler> getRestHandlers(Settings settings, NamedWriteableRegistry namedWriteableRegistry,
                                                   RestController restController, ClusterSettings clusterSettings,
                                                   IndexScopedSettings indexScopedSettings, SettingsFilter settingsFilter,
                                                   IndexNameExpressionResolver indexNameExpressionResolver,
                                                   Supplier<DiscoveryNodes> nodesInCluster,
                                                   Predicate<NodeFeature> clusterSupportsFeature) {
        return List.of(new BaseRestHandler() {
            @Override public String getName() { return "smartcitizen_main_action"; }

            @Override public List<Route> routes() {
                return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
            }

            @Override protected RestChannelConsumer prepareRequest(RestRequest request, NodeClient client) {
                return channel -> {
                    ClusterState state = clusterService.state();
                    Build build = Build.current();
                    XContentBuilder b = channel.newBuilder();
                    b.startObject()
                        .field("name", clusterService.getNodeName())
                        .field("cluster_name", state.getClusterName().value())
                        .field("cluster_uuid", state.metadata().clusterUUID())
                        .startObject("version")
                        .field("number", build.qualifiedVersion())
                        .field("build_flavor", build.flavor())
                        .field("build_type", build.type().displayName())
                        .field("build_hash", build.hash())
                        .field("build_date", build.date())
                        .field("build_snapshot", build.isSnapshot())
                        .field("lucene_version", IndexVersion.current().luceneVersion().toString())
                        .field("minimum_wire_compatibility_version", build.minWireCompatVersion())
                        .field("minimum_index_compatibility_version", build.minIndexCompatVersion())
                        .endObject()
                        .field("tagline", "You Know, for Search")
                        .endObject();
                    channel.sendResponse(new RestResponse(RestStatus.OK, b));
                };
            }
        });
    }
}
