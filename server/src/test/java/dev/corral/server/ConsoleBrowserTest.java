package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser: Debian's headless Chromium driven by its chromedriver (packages
 * chromium and chromium-driver, which .ci/run installs), against in-process servers, one with a writable
 * console and one read-only. Both binaries are named explicitly so that Selenium Manager never looks for
 * (or downloads) a driver. Every wait is for a condition with a generous bound; each test leaves a
 * screenshot in target/console-screenshots/.
 */
class ConsoleBrowserTest {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path writableDir;
    @TempDir
    static Path readOnlyDir;

    static CorralServer writable;
    static CorralServer readOnly;
    static ZooKeeper zk;
    static ChromeDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMEDRIVER).as("the console's browser tests need Debian's chromium-driver package (apt-get install chromium "
                + "chromium-driver); .ci/run installs it").isExecutable();
        assertThat(CHROMIUM).as("the console's browser tests need Debian's chromium package").isExecutable();
        writable = ConsoleApiTest.started(writableDir, true);
        readOnly = ConsoleApiTest.started(readOnlyDir, false);
        zk = Connected.zk(writable.port());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800",
                "--no-first-run", "--disable-extensions", "--disable-background-networking", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(BOUND);
        wait = new WebDriverWait(browser, BOUND);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (zk != null) {
            zk.close();
        }
        if (writable != null) {
            writable.close();
        }
        if (readOnly != null) {
            readOnly.close();
        }
    }

    @BeforeEach
    void freshLogin() {
        // Each test starts anonymous: the cookie of an earlier test's login is dropped.
        browser.get("http://127.0.0.1:" + writable.adminPort() + "/console/api/session");
        browser.manage().deleteAllCookies();
    }

    @AfterEach
    void screenshot(TestInfo test) throws Exception {
        Files.write(SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Opens the console of {@code server} at {@code path} and waits until the page says it is ready. */
    static void open(CorralServer server, String path) {
        browser.get("http://127.0.0.1:" + server.adminPort() + "/#" + path);
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
    }

    static WebElement item(String path) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[role=treeitem][data-path='" + path + "'] > .label")));
    }

    static void waitForSelected(String path) {
        wait.until(ExpectedConditions.textToBe(By.id("znode-path"), path));
    }

    static void waitForMessage(String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), text));
    }

    static void create(String path, String data) throws Exception {
        zk.create(path, data.getBytes(StandardCharsets.UTF_8), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
    }

    @Test
    void browsesTheTreeWithTheMouseAndTheKeyboard() throws Exception {
        create("/browse", "");
        create("/browse/config", "{\"replicas\":3,\"name\":\"orders\"}");
        zk.create("/browse/lock-", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL_SEQUENTIAL);
        long started = System.nanoTime();
        open(writable, "/");
        long loadMs = (System.nanoTime() - started) / 1_000_000;
        // The root opens with its children listed.
        item("/zookeeper");
        item("/browse").findElement(By.className("toggle")).click();
        WebElement lock = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-path^='/browse/lock-'] > .label")));
        assertThat(lock.getText()).contains("ephemeral").contains("sequential");
        item("/browse/config").click();
        waitForSelected("/browse/config");
        new Select(browser.findElement(By.id("data-view"))).selectByValue("json");
        wait.until(d -> d.findElement(By.id("data")).getAttribute("value").contains("\"replicas\": 3"));
        assertThat(browser.findElement(By.id("stat")).getText()).contains("dataLength").contains("numChildren");
        assertThat(browser.findElement(By.id("acl")).getText()).contains("world").contains("anyone").contains("cdrwa");
        screenshot("browsesTheTree-expanded");
        // Keyboard: children are sorted (config, lock-...), so up from config is /browse; Enter selects it, left collapses it.
        item("/browse/config").sendKeys(Keys.ARROW_UP);
        browser.switchTo().activeElement().sendKeys(Keys.ENTER);
        waitForSelected("/browse");
        browser.switchTo().activeElement().sendKeys(Keys.ARROW_LEFT);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-path='/browse/config']")));
        String readyAtMs = browser.findElement(By.tagName("body")).getAttribute("data-ready-at-ms");
        System.out.printf("console page load: %s ms from navigation start to a listed tree and znode view (%d ms as the test"
                + " saw it, WebDriver round trips included)%n", readyAtMs, loadMs);
        // Well under a second is the goal (the note gives the measured time); the bound here is for a loaded CI machine.
        assertThat(Long.parseLong(readyAtMs)).isLessThan(5_000);
    }

    @Test
    void createsAZnodeFromThePage() throws Exception {
        open(writable, "/");
        browser.findElement(By.cssSelector("#create-box summary")).click();
        browser.findElement(By.id("create-name")).sendKeys("made-in-browser");
        new Select(browser.findElement(By.id("create-mode"))).selectByVisibleText("PERSISTENT");
        browser.findElement(By.id("create-data")).sendKeys("hello");
        browser.findElement(By.id("create")).click();
        waitForSelected("/made-in-browser");
        assertThat(new String(zk.getData("/made-in-browser", false, null), StandardCharsets.UTF_8)).isEqualTo("hello");
        item("/made-in-browser");
    }

    @Test
    void editAtAStaleVersionShowsTheConflictAndOverwritesNothing() throws Exception {
        create("/edited", "first");
        open(writable, "/edited");
        waitForSelected("/edited");
        browser.findElement(By.id("data-edit")).click();
        // Another client changes the znode while the page holds version 0.
        zk.setData("/edited", "theirs".getBytes(StandardCharsets.UTF_8), 0);
        WebElement data = browser.findElement(By.id("data"));
        data.clear();
        data.sendKeys("mine");
        browser.findElement(By.id("data-save")).click();
        waitForMessage("Version conflict");
        assertThat(browser.findElement(By.id("message")).getText()).contains("read version 0").contains("version 1 now");
        assertThat(new String(zk.getData("/edited", false, null), StandardCharsets.UTF_8)).isEqualTo("theirs");
        assertThat(data.getAttribute("value")).isEqualTo("mine");
    }

    @Test
    void deletesASubtreeAfterAConfirmationThatNamesTheCount() throws Exception {
        create("/doomed", "");
        create("/doomed/a", "");
        create("/doomed/a/b", "");
        create("/doomed/c", "");
        open(writable, "/doomed");
        waitForSelected("/doomed");
        browser.findElement(By.id("delete-tree")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
        assertThat(browser.findElement(By.id("confirm-text")).getText()).contains("/doomed").contains("4 znodes");
        browser.findElement(By.id("confirm-ok")).click();
        waitForMessage("Deleted 4 znodes");
        assertThat(zk.exists("/doomed", false)).isNull();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-path='/doomed']")));
    }

    @Test
    void showsAnotherClientsChangeWithoutAReload() throws Exception {
        create("/watched-live", "before");
        open(writable, "/watched-live");
        waitForSelected("/watched-live");
        wait.until(ExpectedConditions.attributeToBe(By.id("live"), "class", "live on"));
        zk.create("/appeared-live", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
        item("/appeared-live");
        zk.setData("/watched-live", "after".getBytes(StandardCharsets.UTF_8), 0);
        wait.until(d -> d.findElement(By.id("data")).getAttribute("value").equals("after"));
        zk.delete("/appeared-live", 0);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[data-path='/appeared-live']")));
    }

    @Test
    void digestLoginIsRefusedByAnAclThatNamesAnotherPassword() throws Exception {
        String digest = DigestAuthenticationProvider.generateDigest("alice:right");
        zk.create("/secret", "for alice".getBytes(StandardCharsets.UTF_8), new ArrayList<>(List.of(new ACL(ZooDefs.Perms.ALL,
                new Id("digest", digest)))), CreateMode.PERSISTENT);
        open(writable, "/");
        login("alice", "wrong");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("identity"), "digest:alice"));
        goTo("/secret");
        waitForMessage("NoAuth");
        login("alice", "right");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
        goTo("/secret");
        waitForSelected("/secret");
        assertThat(browser.findElement(By.id("data")).getAttribute("value")).isEqualTo("for alice");
    }

    private static void login(String user, String password) {
        if (browser.findElement(By.id("logout")).isDisplayed()) {
            browser.findElement(By.id("logout")).click();
            waitForMessage("Logged out");
        }
        // Each login is a new ZooKeeper session: wait for the page to show the new one, not an earlier message.
        String before = browser.findElement(By.id("identity")).getText();
        browser.findElement(By.id("login-open")).click();
        WebElement userField = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-user")));
        userField.clear();
        userField.sendKeys(user);
        browser.findElement(By.id("login-password")).sendKeys(password);
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("identity"), before)));
        waitForMessage("Logged in as digest:" + user);
        // No credential reaches a URL: the address bar has only the page and its path.
        assertThat(browser.getCurrentUrl()).doesNotContain(password);
    }

    private static void goTo(String path) {
        WebElement bar = browser.findElement(By.id("path"));
        bar.clear();
        bar.sendKeys(path, Keys.ENTER);
    }

    @Test
    void readOnlyConsoleShowsNoWriteAndTheServerRefusesOne() throws Exception {
        open(readOnly, "/");
        assertThat(browser.findElement(By.id("mode")).getText()).isEqualTo("read-only");
        for (String id : List.of("data-edit", "create-box", "delete", "delete-tree", "acl-save")) {
            assertThat(browser.findElement(By.id(id)).isDisplayed()).as(id).isFalse();
        }
        // A write sent by hand, with the page's own CSRF token, is refused by the server.
        Object status = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                + "fetch('/console/api/session').then(r => r.json()).then(s => fetch('/console/api/create', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json', 'X-Corral-Csrf': s.csrf}, body: JSON.stringify({path: '/ro-page'})}))"
                + ".then(r => done(r.status));");
        assertThat(status).isEqualTo(403L);
    }

    @Test
    void worksOnAPhoneSizedScreen() throws Exception {
        create("/phone", "small screen");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
        try {
            open(writable, "/phone");
            waitForSelected("/phone");
            Map<?, ?> width = (Map<?, ?>) ((JavascriptExecutor) browser).executeScript(
                    "return {page: document.documentElement.scrollWidth, view: window.innerWidth};");
            assertThat(((Number) width.get("page")).intValue()).as("no sideways scrolling").isLessThanOrEqualTo(((Number) width.get("view")).intValue());
            item("/phone");
            screenshot("worksOnAPhoneSizedScreen");
        } finally {
            browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 800));
        }
    }

    @Test
    void editsAnAclAtTheAversionRead() throws Exception {
        create("/acl-edit", "");
        open(writable, "/acl-edit");
        waitForSelected("/acl-edit");
        WebElement acl = browser.findElement(By.id("acl-text"));
        assertThat(acl.getAttribute("value")).isEqualTo("world:anyone:cdrwa");
        acl.clear();
        acl.sendKeys("world:anyone:r, ip:127.0.0.1:cdrwa");
        browser.findElement(By.id("acl-save")).click();
        waitForMessage("ACL of /acl-edit set");
        assertThat(zk.getACL("/acl-edit", null)).containsExactly(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE),
                new ACL(ZooDefs.Perms.ALL, new Id("ip", "127.0.0.1")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("acl"), "127.0.0.1"));
    }

    @Test
    void showsSessionsWatchesAndTheServerWithCharts() throws Exception {
        create("/watched-by-test", "");
        zk.getData("/watched-by-test", true, null);
        // Two samples with requests in them, so that each chart has a line to draw (a sample taken in the same
        // millisecond as the one before is not one: hence the bounded loop). The writes go elsewhere: a write to
        // /watched-by-test would fire its watch, and the watch is what the sessions panel must show.
        create("/charts-sample", "");
        for (int i = 0; i < 20 && ((java.util.List<?>) writable.consoleHistorySamples().get("at")).size() < 2; i++) {
            zk.setData("/charts-sample", new byte[] {(byte) i}, -1);
            writable.sampleConsoleNow();
        }
        open(writable, "/");
        browser.findElement(By.id("tab-sessions")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("wchp"), "/watched-by-test"));
        assertThat(browser.findElement(By.id("cons")).getText()).contains("0x" + Long.toHexString(zk.getSessionId()));
        browser.findElement(By.id("tab-server")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("server-facts"), "standalone"));
        assertThat(browser.findElement(By.id("members-note")).getText()).isEqualTo("Standalone: this server is the whole ensemble.");
        assertThat(browser.findElements(By.cssSelector("#members tr"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("#charts .chart"))).hasSize(8);
        // The percentile charts draw a line per percentile, each named in data-series and in the legend.
        for (String chart : List.of("Latency percentiles", "fsync time percentiles")) {
            WebElement box = browser.findElement(By.xpath("//div[@class='chart'][h4[starts-with(., '" + chart + "')]]"));
            List<WebElement> lines = box.findElements(By.cssSelector("polyline"));
            assertThat(lines).extracting(line -> line.getAttribute("data-series"))
                    .isEqualTo(chart.startsWith("Latency") ? List.of("p50", "p99", "p99.9", "max") : List.of("p50", "p99", "max"));
            assertThat(lines).allSatisfy(line -> assertThat(line.getAttribute("points").split(" ")).hasSizeGreaterThanOrEqualTo(2));
            assertThat(box.findElement(By.className("legend")).getText()).contains("p50", "p99", "max");
        }
        assertThat(browser.findElement(By.id("panel-tree")).isDisplayed()).isFalse();
    }

    /**
     * The server panel of a three-server ensemble: on the leader every member with its state, zxid, lag and
     * when it was last heard; on a follower itself, its leader, and the other follower as unknown to it.
     */
    @Test
    void serverPanelShowsTheQuorumsMembersAndTheirLag(@TempDir Path ensembleDir) throws Exception {
        Map<Integer, CorralServer> ensemble = InProcessEnsemble.start(ensembleDir, BOUND);
        try {
            int leader = InProcessEnsemble.leaderId(ensemble);
            open(ensemble.get(leader), "/");
            browser.findElement(By.id("tab-server")).click();
            wait.until(d -> d.findElements(By.cssSelector("#members tr[data-member]")).size() == 3);
            assertThat(browser.findElement(By.id("members-note")).getText()).contains("(" + leader + ") is leading, leader " + leader);
            for (int id = 1; id <= 3; id++) {
                List<String> cells = memberCells(id);
                // id, role, address, state, zxid, lag, last heard
                assertThat(cells.get(0)).isEqualTo(id == leader ? id + " (this server)" : Integer.toString(id));
                assertThat(cells.get(1)).isEqualTo(id == leader ? "leader" : "follower");
                assertThat(cells.get(3)).isEqualTo(id == leader ? "leading" : "synced");
                assertThat(cells.get(4)).startsWith("0x");
                assertThat(cells.get(5)).matches("\\d+");
                assertThat(cells.get(6)).matches(id == leader ? "" : "\\d+");
            }
            wait.until(ExpectedConditions.attributeToBe(By.id("live"), "class", "live on"));
            Files.write(SCREENSHOTS.resolve("serverPanelShowsTheQuorumsMembersAndTheirLag-leader.png"), browser.getScreenshotAs(OutputType.BYTES));

            int follower = leader == 1 ? 2 : 1;
            open(ensemble.get(follower), "/");
            browser.findElement(By.id("tab-server")).click();
            wait.until(d -> d.findElements(By.cssSelector("#members tr[data-member]")).size() == 3);
            assertThat(browser.findElement(By.id("members-note")).getText()).contains("(" + follower + ") is following, leader " + leader);
            wait.until(ExpectedConditions.attributeToBe(By.id("live"), "class", "live on"));
            Files.write(SCREENSHOTS.resolve("serverPanelShowsTheQuorumsMembersAndTheirLag-follower.png"), browser.getScreenshotAs(OutputType.BYTES));
            for (int id = 1; id <= 3; id++) {
                List<String> cells = memberCells(id);
                if (id == follower) {
                    assertThat(cells.get(3)).isEqualTo("following");
                    assertThat(cells.get(5)).matches("\\d+.*");
                } else if (id == leader) {
                    assertThat(cells.get(1)).isEqualTo("leader");
                    assertThat(cells.get(6)).matches("\\d+");
                } else {
                    assertThat(cells.get(3)).isEqualTo("unknown (only the leader tracks it)");
                    assertThat(cells.get(5)).isEmpty();
                }
            }
            // The leader's console in a second tab: the browser keeps cookies by host, not port, and the follower's
            // tab must keep its own login (a shared cookie name made its requests, and its live stream, find none).
            String followerTab = browser.getWindowHandle();
            browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
            open(ensemble.get(leader), "/");
            browser.close();
            browser.switchTo().window(followerTab);
            Object status = ((JavascriptExecutor) browser).executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + " fetch('/console/api/server', { credentials: 'same-origin' }).then(r => done(r.status), e => done(String(e)));");
            assertThat(status).isEqualTo(200L);
        } finally {
            ensemble.values().forEach(CorralServer::close);
        }
    }

    private static List<String> memberCells(int id) {
        return browser.findElements(By.cssSelector("#members tr[data-member='" + id + "'] td")).stream().map(WebElement::getText).toList();
    }

    /**
     * A parent with 100,000 children stays responsive: its first page, a filter over all of them and the next
     * page each come back within a bound, in the page and from the API. The times measured are printed.
     */
    @Test
    void pagesAndFiltersAParentWithAHundredThousandChildren() throws Exception {
        // -Dconsole.largeChildren=N measures another size; 100,000 names pass the 1 MB a getChildren reply may have.
        int children = Integer.getInteger("console.largeChildren", 100_000);
        long createStarted = System.nanoTime();
        createChildren("/large", children);
        long createMs = (System.nanoTime() - createStarted) / 1_000_000;
        open(writable, "/");
        // Polled every 10 ms, not WebDriverWait's default 500, so that the times measured mean something.
        WebDriverWait wait = new WebDriverWait(browser, BOUND, Duration.ofMillis(10));
        long started = System.nanoTime();
        item("/large").findElement(By.className("toggle")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-path='/large'] > ul > [role=treeitem]"), 100));
        long expandMs = (System.nanoTime() - started) / 1_000_000;
        WebElement more = browser.findElement(By.cssSelector("[data-more-for='/large']"));
        assertThat(more.getText()).contains("100 of " + children);
        started = System.nanoTime();
        more.click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-path='/large'] > ul > [role=treeitem]"), 200));
        long moreMs = (System.nanoTime() - started) / 1_000_000;
        started = System.nanoTime();
        String last = String.format("c%06d", children - 1);
        browser.findElement(By.cssSelector("[data-filter-for='/large']")).sendKeys(last);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("[data-path='/large'] > ul > [role=treeitem]"), 1));
        long filterMs = (System.nanoTime() - started) / 1_000_000;
        item("/large/" + last).click();
        waitForSelected("/large/" + last);
        ConsoleHttp api = new ConsoleHttp(writable.adminPort()).open();
        long apiStarted = System.nanoTime();
        ConsoleHttp.Answer page = api.get("children", Map.of("path", "/large", "offset", String.valueOf(children / 2), "limit", "100"));
        long apiPageMs = (System.nanoTime() - apiStarted) / 1_000_000;
        apiStarted = System.nanoTime();
        ConsoleHttp.Answer filtered = api.get("children", Map.of("path", "/large", "filter", "c0123"));
        long apiFilterMs = (System.nanoTime() - apiStarted) / 1_000_000;
        assertThat(page.json().get("children").get(0).get("name").asText()).isEqualTo(String.format("c%06d", children / 2));
        assertThat(filtered.json().get("matched").asInt()).isEqualTo(Math.min(100, Math.max(0, children - 12300)));
        System.out.printf("console with %d children: created in %d ms; in the page: first page %d ms, next page %d ms, filter %d ms"
                + " (150 ms of it the page's typing pause); API: page in the middle %d ms, filter %d ms%n", children, createMs,
                expandMs, moreMs, filterMs, apiPageMs, apiFilterMs);
        // Bounds for a loaded CI machine; the note gives the times measured.
        assertThat(List.of(expandMs, moreMs, filterMs)).allMatch(ms -> ms < 10_000);
    }

    /** Creates {@code parent} and children c000000, c000001, ... in multis of 1,000 creates (one txn each). */
    private static void createChildren(String parent, int count) throws Exception {
        create(parent, "");
        for (int first = 0; first < count; first += 1000) {
            List<org.apache.zookeeper.Op> ops = new ArrayList<>();
            for (int i = first; i < Math.min(count, first + 1000); i++) {
                ops.add(org.apache.zookeeper.Op.create(String.format("%s/c%06d", parent, i), new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
                        CreateMode.PERSISTENT));
            }
            zk.multi(ops);
        }
    }

    private static void screenshot(String name) throws Exception {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
