"""script: Traditional Chinese becomes Simplified (OpenCC), when the text is Traditional.

Changes: in ``mode = "auto"`` (the default) a text whose Han characters are mostly
Traditional is converted with OpenCC (``opencc_config``, ``t2s`` by default);
``"always"`` converts every text, ``"never"`` none.

How ``auto`` judges: the share of *Traditional-only* characters among all Han
characters of the text the filter receives (the whole input, before it is split into
documents). A character is Traditional-only when OpenCC's conversion changes it and
OpenCC's ``s2t`` leaves it as it is (``們``, ``發``, ``裏``) and it is not in GB2312,
the standard Simplified character set (``乾``, ``於`` and 13 more are, and a Simplified
text uses them in names: ``於都县``, ``乾县``); a Simplified character that a buggy
dictionary would change (``坏`` -> ``坯`` in OpenCC 1.4.0) is not one, because ``s2t``
changes it. The text is converted when the share reaches
``threshold`` (default 0.1). Measured on the seed documents: 0.0 for every Simplified
seed (not one Traditional-only character in 41,000 Han characters); 0.30-0.38 for the
same documents made Traditional with OpenCC ``s2t``, ``s2twp`` or ``s2hk``, and at
least 0.088 for any of their paragraphs of 30 or more Han characters. 0.1 is far from
both: a text is converted when roughly a third or more of its running text is
Traditional. A text with some Traditional characters but a share below the threshold
(at least half of it) is left alone with a warning.

Never: runs the converter on a text judged Simplified (OpenCC's ``t2s`` changes a few
Simplified characters and phrases); touches anything but Han characters changed by
OpenCC; builds the converter more than once per filter object (it is made on first
use, so a profile that never converts never loads a dictionary).

Every conversion is reported as edits: with ``audit = "run"`` (default) one edit per
run of adjacent changed characters (``們`` -> ``们``, ``發展`` -> ``发展``); with
``audit = "line"`` one edit per changed line, holding the whole line before and after.
"""
from __future__ import annotations

import functools
import re
import sys
from operator import itemgetter
from typing import Any

from cleaner.core import HAN_RANGES, Filter, Option, RawEdit, Report, in_line_blocks

TO_SIMPLIFIED = ("t2s", "tw2s", "tw2sp", "hk2s", "hk2sp")

_HAN_RUN = re.compile(f"[{HAN_RANGES}]+")  # runs: counting them is ~5x faster than single characters
_COUNT_BLOCK = 1 << 16  # characters counted at a time (the matches of one block in a list)

# Every Han code point OpenCC's dictionaries can know about: CJK unified ideographs,
# extension A, compatibility ideographs and the supplementary planes' extensions.
_HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2EE60), (0x30000, 0x323B0))


@functools.lru_cache(maxsize=None)
def traditional_characters(config: str = "t2s") -> frozenset[str]:
    """The Han characters that OpenCC ``config`` changes and ``s2t`` keeps: the
    characters found only in Traditional text. Pure; computed once per config, and not
    at all for the default config of the OpenCC release the project pins (the table
    below), so that judging a Simplified text never loads OpenCC's dictionaries."""
    import opencc  # light: the dictionaries load when a converter is made

    known = KNOWN_TRADITIONAL.get((getattr(opencc, "__version__", ""), config))
    if known is not None:
        return frozenset(known)
    return compute_traditional_characters(config)


def compute_traditional_characters(config: str = "t2s") -> frozenset[str]:
    """:func:`traditional_characters`, computed with OpenCC (about 0.25 s: both
    conversions' dictionaries are loaded and every Han code point is converted)."""
    import opencc

    chars = [chr(c) for lo, hi in _HAN_BLOCKS for c in range(lo, hi)]
    joined = "\n".join(chars)  # one character per line: no phrase spans two of them
    to_simple = opencc.OpenCC(config).convert(joined).split("\n")
    to_trad = opencc.OpenCC("s2t").convert(joined).split("\n")
    if not len(chars) == len(to_simple) == len(to_trad):  # pragma: no cover - OpenCC keeps lines
        raise RuntimeError("OpenCC changed the number of lines while building the character table")
    return frozenset(c for c, s, t in zip(chars, to_simple, to_trad) if s != c and t == c and not _in_gb2312(c))


def _in_gb2312(char: str) -> bool:
    """In GB2312, the standard set of Simplified characters: such a character is normal in
    Simplified text (乾 in 乾坤 and 乾县, 於 in 於都县, 夥, 徵, 摺, 麴 in names), whatever
    OpenCC would make of it."""
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


KNOWN_TRADITIONAL: dict[tuple[str, str], str] = {
    # compute_traditional_characters("t2s") with OpenCC 1.4.2, in code point order
    # (4096 characters; tests/filters/test_script.py checks it against OpenCC).
    ("1.4.2", "t2s"): (
        "㑮㑯㑳㑶㒓㓄㓨㔋㖮㗲㗿㘉㘓㘔㘚㛝㜄㜏㜐㜗㜢㜷㞞㟺㠏㠣㢗㢝㥮㦎㦛㦞㨻㩋㩜㩳㩵㪎㯤㰙㵗㵾㶆㷍㷿㸇㹽㺏㺜㻶㿖㿗㿧䀉䀹䁪䁻䂎䃮䅐"
        "䅳䆉䉑䉙䉬䉲䉶䊭䊷䊺䋃䋔䋙䋚䋦䋹䋻䋼䋿䌈䌋䌖䌝䌟䌥䌰䍤䍦䍽䎙䎱䓣䕤䕳䖅䗅䗿䙔䙡䙱䚩䛄䛳䜀䜖䝭䝻䝼䞈䞋䞓䟃䟆䟐䠆䠱䡐䡩䡵䢨"
        "䤤䥄䥇䥑䥕䥗䥩䥯䥱䦘䦛䦟䦯䦳䧢䪊䪏䪗䪘䪴䪾䫀䫂䫟䫴䫶䫻䫾䬓䬘䬝䬞䬧䭀䭃䭑䭔䭿䮄䮝䮞䮠䮫䮰䮳䮾䯀䯤䰾䱀䱁䱙䱧䱬䱰䱷䱸䱽䲁䲅"
        "䲖䲘䲰䳜䳢䳤䳧䳫䴉䴋䴬䴱䴴䴽䵳䵴䶕䶲丟並亂亙亞佇佈佔併來侖侶侷俁係俓俔俠俥俬倀倆倈倉個們倖倫倲偉偑側偵偽傌傑傖傘備傢傭"
        "傯傳傴債傷傾僂僅僉僑僕僞僤僥僨僱價儀儁儂億儈儉儎儐儔儕儘償儣優儭儲儷儸儺儻儼兇兌兒兗內兩冊冑冪凈凍凙凜凱別刪剄則剋剎剗剛"
        "剝剮剴創剷剾劃劄劇劉劊劌劍劏劑劚勁勑動務勛勝勞勢勣勩勱勳勵勸勻匭匯匱區協卹卻卽厙厠厤厭厲厴參叄叢吳吶呂咼員哯唄唓唸問啓"
        "啞啟啢喎喚喪喫喬單喲嗆嗇嗊嗎嗚嗩嗰嗶嗹嘆嘍嘓嘔嘖嘗嘜嘩嘪嘮嘯嘰嘳嘵嘸嘺嘽噁噅噓噚噝噞噠噥噦噯噲噴噸噹嚀嚇嚌嚐嚕嚙嚛嚥嚦嚧"
        "嚨嚮嚲嚳嚴嚶嚽囀囁囂囃囅囈囉囌囑囒囪圇國圍園圓圖團圞垻埡埨埬埰執堅堊堖堚堝堯報場塊塋塏塒塗塚塢塤塵塸塹塿墊墜墠墮墰墲墳墶"
        "墻墾壇壈壋壎壓壗壘壙壚壜壞壟壠壢壣壩壪壯壺壼壽夠夢夾奐奧奩奪奬奮奼妝姍姦娙娛婁婡婦婭媈媧媯媰媼媽嫋嫗嫵嫺嫻嫿嬀嬃嬇嬈嬋"
        "嬌嬙嬡嬣嬤嬦嬪嬰嬸嬻孃孄孆孇孋孌孎孫學孻孾孿宮寀寠寢實寧審寫寬寵寶將專尋對導尷屆屍屓屜屢層屨屩屬岡峯峴島峽崍崑崗崙崢崬嵐"
        "嵗嵼嵽嵾嶁嶄嶇嶈嶔嶗嶘嶠嶢嶧嶨嶮嶸嶹嶺嶼嶽巊巋巒巔巖巗巘巰巹帥師帳帶幀幃幓幗幘幝幟幣幩幫幬幷幹幾庫廁廂廄廈廎廕廚廝廞廟廠"
        "廡廢廣廧廩廬廳弒弔弳張強彃彄彆彈彌彎彔彙彠彥彫彲彿徑從徠復徹徿恆恥悅悞悵悶悽惡惱惲惻愛愜愨愴愷愻愾慄態慍慘慚慟慣慤慪"
        "慫慮慳慶慺慼慾憂憊憐憑憒憖憚憢憤憫憮憲憶憸憹懀懇應懌懍懎懞懟懣懤懨懲懶懷懸懺懼懾戀戇戔戧戩戰戱戲戶扞拋挩挱挾捨捫捲掃"
        "掄掆掗掙掚掛採揀揚換揮揯損搖搗搧搵搶摋摐摑摜摟摯摳摶摻撈撊撏撐撓撝撟撣撥撧撫撲撳撻撾撿擁擄擇擊擋擓擔據擟擠擡擣擫擬擯擰"
        "擱擲擴擷擺擻擼擽擾攄攆攋攏攔攖攙攛攜攝攢攣攤攪攬敎敓敗敘敵數斂斃斅斆斕斬斷斸旂旣昇時晉晛晝暈暉暐暘暢暫曄曆曇曉曊曏曖曠"
        "曥曨曬書會朥朧朮東枴柵柺査桱桿梔梖梘梜條梟梲棄棊棖棗棟棡棧棲棶椏椲楇楊楓楨業極榦榪榮榲榿構槍槓槤槧槨槫槮槳槶槼樁樂樅樑"
        "樓標樞樠樢樣樤樧樫樳樸樹樺樿橈橋機橢橫橯檁檉檔檜檟檢檣檭檮檯檳檵檸檻櫃櫅櫍櫓櫚櫛櫝櫞櫟櫠櫥櫧櫨櫪櫫櫬櫱櫳櫸櫻欄欅欇權欍欏"
        "欐欑欒欓欖欘欞欽歎歐歟歡歲歷歸歿殘殞殢殤殨殫殭殮殯殰殲殺殻殼毀毆毊毿氂氈氌氣氫氬氭氳氾汎汙決沒沖況泝洩洶浹浿涇涗涼淒淚淥"
        "淨淩淪淵淶淺渙減渢渦測渾湊湋湞湧湯溈準溝溡溫溮溳溼滄滅滌滎滙滬滯滲滷滸滻滾滿漁漊漍漚漢漣漬漲漵漸漿潁潑潔潕潙潚潛潣潤潯潰"
        "潷潿澀澅澆澇澐澗澠澤澦澩澫澬澮澱澾濁濃濄濆濕濘濚濛濜濟濤濧濫濰濱濺濼濾濿瀂瀃瀅瀆瀇瀉瀋瀏瀕瀘瀝瀟瀠瀦瀧瀨瀰瀲瀾灃灄灍灑灒"
        "灕灘灙灝灡灣灤灧灩災為烏烴無煇煉煒煙煢煥煩煬煱熂熅熉熌熒熓熗熚熡熰熱熲熾燀燁燈燉燒燖燙燜營燦燬燭燴燶燻燼燾爃爄爇爍爐爖爛"
        "爥爧爭爲爺爾牀牆牘牴牽犖犛犞犢犧狀狹狽猌猙猶猻獁獃獄獅獊獎獨獩獪獫獮獰獱獲獵獷獸獺獻獼玀玁珼現琱琺琿瑋瑒瑣瑤瑩瑪瑲瑻瑽璉"
        "璊璕璗璝璡璣璦璫璯環璵璸璼璽璾璿瓄瓅瓊瓏瓔瓕瓚瓛甌甕產産畝畢畫異畵當畼疇疊痙痠痮痾瘂瘋瘍瘓瘞瘡瘧瘮瘱瘲瘺瘻療癆癇癉癐癒癘"
        "癟癡癢癤癥癧癩癬癭癮癰癱癲發皁皚皟皰皸皺盃盜盞盡監盤盧盨盪眝眞眥眾睍睏睜睞瞘瞜瞞瞤瞶瞼矇矉矑矓矚矯硃硜硤硨硯碕碙碩碭碸確"
        "碼碽磑磚磠磣磧磯磽磾礄礎礐礒礙礦礪礫礬礮礱祕祿禍禎禕禡禦禪禮禰禱禿秈稅稈稏稜稟種稱穀穇穌積穎穠穡穢穩穫穭窩窪窮窯窵窶窺竄"
        "竅竇竈竊竚竪竱競筆筍筧筴箇箋箏箚節範築篋篔篘篠篢篤篩篳篸簀簂簍簑簞簡簢簣簫簹簽簾籃籅籋籌籔籙籛籜籟籠籤籩籪籬籮籲粵糉糝糞"
        "糧糰糲糴糶糹糺糾紀紂紃約紅紆紇紈紉紋納紐紓純紕紖紗紘紙級紛紜紝紞紟紡紬紮細紱紲紳紵紹紺紼紿絀絁終絃組絅絆絍絎結絕絙絛絝絞"
        "絡絢絥給絧絨絪絰統絲絳絶絹絺綀綁綃綄綆綇綈綉綋綌綎綏綐綑經綖綜綝綞綟綠綡綢綣綧綪綫綬維綯綰綱網綳綴綵綸綹綺綻綽綾綿緄緇緊"
        "緋緍緑緒緓緔緗緘緙線緝緞緟締緡緣緤緦編緩緬緮緯緰緱緲練緶緷緸緹緻縈縉縊縋縍縎縐縑縕縗縛縝縞縟縣縧縫縬縭縮縯縰縱縲縳縴縵縶"
        "縷縸縹縺總績繂繃繅繆繈繏繐繒繓織繕繚繞繟繡繢繨繩繪繫繬繭繮繯繰繳繶繷繸繹繻繼繽繾繿纁纆纇纈纊續纍纏纓纔纕纖纗纘纚纜缽罃罈"
        "罌罎罰罵罷羅羆羈羋羣羥羨義羵羶習翫翬翹翽耬耮聖聞聯聰聲聳聵聶職聹聻聽聾肅脅脈脛脣脥脩脫脹腎腖腡腦腪腫腳腸膃膕膚膞膠膢膩膹"
        "膽膾膿臉臍臏臗臘臚臟臠臢臥臨臺與興舉舊舖舘艙艣艤艦艫艱艷芻茲荊莊莖莢莧菕華菴萇萊萬萴萵葉葒葝葤葦葯葷蒍蒐蒓蒔蒕蒞蒭蒼蓀"
        "蓆蓋蓧蓮蓯蓴蓽蔄蔔蔘蔞蔣蔥蔦蔭蔯蔿蕁蕆蕎蕒蕓蕕蕘蕝蕢蕩蕪蕭蕳蕷蕽薀薆薈薊薌薑薔薘薟薦薩薳薴薵薺藍藎藝藥藪藭藶藷藹藺蘀蘄"
        "蘆蘇蘊蘋蘚蘞蘟蘢蘭蘺蘿虆虉處虛虜號虧虯蛺蛻蜆蝀蝕蝟蝦蝨蝸螄螞螢螮螻螿蟂蟄蟈蟎蟘蟜蟣蟬蟯蟲蟳蟶蟻蠀蠁蠅蠆蠍蠐蠑蠔蠙蠟蠣蠦蠨"
        "蠱蠶蠻蠾衆衊術衕衚衛衝袞裊裏補裝裡製複褌褘褲褳褸褻襀襇襉襏襓襖襗襘襝襠襤襪襬襯襰襲襴襵覈見覎規覓視覘覛覡覥覦親覬覯覲覷"
        "覹覺覼覽覿觀觴觶觸訁訂訃計訊訌討訏訐訑訒訓訕訖託記訛訜訝訞訟訢訣訥訨訩訪設許訴訶診註証詀詁詆詊詎詐詑詒詓詔評詖詗詘詛詝詞"
        "詠詡詢詣試詩詪詫詬詭詮詰話該詳詵詷詼詿誂誄誅誆誇誋誌認誑誒誕誘誚語誠誡誣誤誥誦誨說誫説誰課誳誴誶誷誹誺誼誾調諂諄談諉請諍"
        "諏諑諒諓論諗諛諜諝諞諟諡諢諣諤諥諦諧諫諭諮諯諰諱諲諳諴諶諷諸諺諼諾謀謁謂謄謅謆謉謊謎謏謐謔謖謗謙謚講謝謠謡謨謫謬謭謯謱謳"
        "謸謹謾譁譂譅譆證譊譎譏譑譓譖識譙譚譜譞譟譨譫譭譯議譴護譸譽譾讀讅變讋讌讎讒讓讕讖讚讜讞谿豈豎豐豔豬豵豶貍貓貗貙貝貞貟負財"
        "貢貧貨販貪貫責貯貰貲貳貴貶買貸貺費貼貽貿賀賁賂賃賄賅資賈賊賑賒賓賕賙賚賜賝賞賟賠賡賢賣賤賦賧質賫賬賭賰賴賵賺賻購賽賾贃贄"
        "贅贇贈贉贊贋贍贏贐贑贓贔贖贗贚贛贜赬趕趙趨趲跡踐踰踴蹌蹔蹕蹟蹠蹣蹤蹳蹺蹻躂躉躊躋躍躎躑躒躓躕躘躚躝躡躥躦躪軀軉車軋軌軍軏"
        "軑軒軔軕軗軛軜軝軟軤軨軫軬軲軷軸軹軺軻軼軾軿較輄輅輇輈載輊輋輒輓輔輕輖輗輛輜輝輞輟輢輥輦輨輩輪輬輮輯輳輶輷輸輻輾輿轀轂轄"
        "轅轆轇轉轊轍轎轐轔轗轟轠轡轢轣轤辦辭辮辯農迴逕這連週進遊運過達違遙遜遞遠遡適遱遲遶遷選遺遼邁還邇邊邏邐郟郵鄆鄉鄒鄔鄖鄟鄧"
        "鄩鄭鄰鄲鄳鄴鄶鄺酇酈醃醜醞醟醫醬醱醲醶釀釁釃釅釋釐釒釓釔釕釗釘釙釚針釟釣釤釦釧釨釩釲釳釴釵釷釹釺釾釿鈀鈁鈃鈄鈅鈆鈇鈈鈉"
        "鈋鈍鈎鈐鈑鈒鈔鈕鈖鈗鈛鈞鈠鈡鈣鈥鈦鈧鈮鈯鈰鈲鈳鈴鈷鈸鈹鈺鈽鈾鈿鉀鉁鉅鉆鉈鉉鉊鉋鉍鉑鉔鉕鉗鉚鉛鉝鉞鉠鉢鉤鉥鉦鉧鉬鉭鉮鉳鉶鉷"
        "鉸鉺鉻鉽鉾鉿銀銁銂銃銅銈銊銍銏銑銓銖銘銚銛銜銠銣銥銦銨銩銪銫銬銱銳銶銷銹銻銼鋁鋂鋃鋅鋇鋉鋌鋏鋐鋒鋗鋙鋝鋟鋠鋣鋤鋥鋦鋨鋩鋪"
        "鋭鋮鋯鋰鋱鋶鋸鋹鋼錀錁錂錄錆錇錈錏錐錒錕錘錙錚錛錜錝錞錟錠錡錢錤錥錦錨錩錫錮錯録錳錶錸錼錽鍀鍁鍃鍄鍅鍆鍇鍈鍉鍊鍋鍍鍒鍔鍘"
        "鍚鍛鍠鍤鍥鍩鍬鍭鍮鍰鍵鍶鍺鍼鍾鎂鎄鎇鎈鎊鎌鎍鎓鎔鎖鎘鎙鎚鎛鎝鎞鎡鎢鎣鎦鎧鎩鎪鎬鎭鎮鎯鎰鎲鎳鎵鎶鎷鎸鎿鏃鏆鏇鏈鏉鏌鏍鏏鏐鏑"
        "鏗鏘鏚鏜鏝鏞鏟鏡鏢鏤鏥鏦鏨鏰鏵鏷鏹鏺鏻鏽鏾鐃鐄鐇鐈鐋鐍鐎鐏鐐鐒鐓鐔鐘鐙鐝鐠鐥鐦鐧鐨鐩鐪鐫鐮鐯鐲鐳鐵鐶鐸鐺鐼鐽鐿鑀鑄鑉鑊鑌"
        "鑑鑒鑔鑕鑞鑠鑣鑥鑪鑭鑰鑱鑲鑴鑷鑹鑼鑽鑾鑿钁钂長門閂閃閆閈閉開閌閍閎閏閐閑閒間閔閗閘閝閞閡閣閤閥閨閩閫閬閭閱閲閵閶閹閻閼閽"
        "閾閿闃闆闇闈闉闊闋闌闍闐闑闒闓闔闕闖關闞闠闡闢闤闥陘陝陞陣陰陳陸陽隉隊階隑隕際隤隨險隮隯隱隴隸隻雋雖雙雛雜雞離難雲電霑霢"
        "霣霧霼霽靂靄靆靈靉靚靜靝靦靧靨鞏鞝鞦鞽鞾韁韃韆韉韋韌韍韓韙韚韛韜韝韞韠韻響頁頂頃項順頇須頊頌頍頎頏預頑頒頓頔頗領頜頠頡頤"
        "頦頫頭頮頰頲頴頵頷頸頹頻頽顂顃顅顆題額顎顏顒顓顔顗願顙顛類顢顣顥顧顫顬顯顰顱顳顴風颭颮颯颰颱颳颶颷颸颺颻颼颾飀飄飆飈飋飛"
        "飠飢飣飥飦飩飪飫飭飯飱飲飴飵飶飼飽飾飿餃餄餅餈餉養餌餎餏餑餒餓餔餕餖餗餘餚餛餜餞餡餦餧館餪餫餬餭餱餳餵餶餷餸餺餼餾餿饁饃"
        "饅饈饉饊饋饌饑饒饗饘饜饞饟饠饢馬馭馮馯馱馳馴馹馼駁駃駉駊駎駐駑駒駓駔駕駘駙駚駛駝駞駟駡駢駤駧駩駪駫駭駰駱駶駸駻駼駿騁騂騃"
        "騄騅騉騊騌騍騎騏騑騔騖騙騚騜騝騞騟騠騤騧騪騫騭騮騰騱騴騵騶騷騸騻騼騾驀驁驂驃驄驅驊驋驌驍驎驏驓驕驗驙驚驛驟驢驤驥驦驨驪驫"
        "骯髏髒體髕髖髮鬆鬍鬖鬚鬠鬢鬥鬧鬨鬩鬮鬱鬹魎魘魚魛魟魢魥魦魨魯魴魵魷魺魽鮀鮁鮃鮄鮅鮆鮈鮊鮋鮍鮎鮐鮑鮒鮓鮚鮜鮝鮞鮟鮠鮡鮣鮤鮦"
        "鮪鮫鮭鮮鮯鮰鮳鮵鮶鮸鮺鮿鯀鯁鯄鯆鯇鯉鯊鯒鯔鯕鯖鯗鯛鯝鯞鯡鯢鯤鯧鯨鯪鯫鯬鯰鯱鯴鯶鯷鯻鯽鯾鯿鰁鰂鰃鰆鰈鰉鰊鰋鰌鰍鰏鰐鰑鰒鰓鰕"
        "鰛鰜鰟鰠鰣鰤鰥鰦鰧鰨鰩鰫鰭鰮鰱鰲鰳鰵鰶鰷鰹鰺鰻鰼鰽鰾鱀鱂鱄鱅鱆鱇鱈鱉鱊鱒鱔鱖鱗鱘鱚鱝鱟鱠鱢鱣鱤鱧鱨鱭鱮鱯鱲鱷鱸鱺鳥鳧鳩鳬"
        "鳲鳳鳴鳶鳷鳼鳽鳾鴀鴃鴅鴆鴇鴉鴐鴒鴔鴕鴗鴛鴜鴝鴞鴟鴣鴥鴦鴨鴮鴯鴰鴲鴳鴴鴷鴻鴽鴿鵁鵂鵃鵊鵏鵐鵑鵒鵓鵚鵜鵝鵟鵠鵡鵧鵩鵪鵫鵬鵮鵯"
        "鵰鵲鵷鵾鶄鶇鶉鶊鶌鶒鶓鶖鶗鶘鶚鶠鶡鶥鶦鶩鶪鶬鶭鶯鶰鶱鶲鶴鶹鶺鶻鶼鶿鷀鷁鷂鷄鷅鷉鷊鷐鷓鷔鷖鷗鷙鷚鷟鷣鷤鷥鷦鷨鷩鷫鷭鷯鷲鷳鷴"
        "鷷鷸鷹鷺鷽鷿鸂鸇鸊鸋鸌鸏鸑鸕鸗鸘鸚鸛鸝鸞鹵鹹鹺鹼鹽麗麥麨麩麪麫麬麯麲麳麵麷麼黃黌點黨黲黴黶黷黽黿鼂鼉鼕鼴齊齋齎齏齒齔齕"
        "齗齘齙齜齟齠齡齣齦齧齩齪齬齭齮齯齰齲齴齶齷齼齾龍龎龐龑龓龔龕龜龭龯鿁鿓𠁞𠌥𠏢𠐊𠗣𠞆𠠎𠬙𠼤𠽃𠿕𡂡𡃄𡃕𡃤𡄔𡄣𡅏𡅯𡑍𡑭𡓁𡓾𡔖𡞵"
        "𡟫𡠹𡢃𡮉𡮣𡳳𡸗𡹬𡻕𡽗𡾱𡿖𢍰𢠼𢣐𢣚𢣭𢤩𢤱𢤿𢯷𢶒𢶫𢷮𢹿𢺳𣈶𣋋𣍐𣙎𣜬𣝕𣞻𣠩𣠲𣯩𣯴𣯶𣽏𣾷𣿉𤁣𤄷𤅶𤑳𤑹𤒎𤒻𤓌𤓎𤓩𤘀𤛮𤛱𤜆𤠮𤢟𤢻𤩂𤪺"
        "𤫩𤬅𤳷𤳸𤷃𤸫𤺔𥊝𥌃𥏝𥕥𥖅𥖲𥗇𥗽𥜐𥜰𥞵𥢢𥢶𥢷𥨐𥪂𥯤𥴨𥴼𥵃𥵊𥶽𥸠𥻦𥼽𥽖𥾯𥿊𦀖𦂅𦃄𦃩𦅇𦅈𦆲𦒀𦔖𦘧𦟼𦠅𦡝𦢈𦣎𦧺𦪙𦪽𦱌𦾟𧎈𧒯𧔥𧕟𧜗"
        "𧜵𧝞𧞫𧟀𧡴𧢄𧦝𧦧𧩕𧩙𧩼𧫝𧬤𧭈𧭹𧳟𧵳𧶔𧶧𧷎𧸘𧹈𧽯𨂐𨄣𨅍𨆪𨇁𨇞𨇤𨇰𨇽𨈊𨈌𨊰𨊸𨊻𨋢𨌈𨍰𨎌𨎮𨏠𨏥𨞺𨟊𨢿𨣈𨣞𨣧𨤻𨥛𨥟𨦫𨧀𨧜𨧰𨧱𨨏𨨛"
        "𨨢𨩰𨪕𨫒𨬖𨭆𨭎𨭖𨭸𨮂𨮳𨯅𨯟𨰃𨰋𨰥𨰲𨲳𨳑𨳕𨴗𨴹𨵩𨵸𨶀𨶏𨶮𨶲𨷲𨼳𨽏𩀨𩅙𩎖𩎢𩏂𩏠𩏪𩏷𩑔𩒎𩓣𩓥𩔑𩔳𩖰𩗀𩗓𩗴𩘀𩘝𩘹𩘺𩙈𩚛𩚥𩚩𩚵𩛆𩛌"
        "𩛡𩛩𩜇𩜦𩜵𩝔𩝽𩞄𩞦𩞯𩟐𩟗𩠴𩡣𩡺𩢡𩢴𩢸𩢾𩣏𩣑𩣫𩣵𩣺𩤊𩤙𩤲𩤸𩥄𩥇𩥉𩥑𩦠𩧆𩭙𩯁𩯳𩰀𩰹𩳤𩴵𩵦𩵩𩵹𩶁𩶘𩶰𩶱𩷰𩸃𩸄𩸡𩸦𩻗𩻬𩻮𩼶𩽇𩿅𩿤"
        "𩿪𪀖𪀦𪀾𪁈𪁖𪂆𪃍𪃏𪃒𪃧𪄆𪄕𪅂𪆷𪇳𪈼𪉸𪋿𪌭𪍠𪓰𪔵𪘀𪘯𪙏𪟖𪷓𫒡𫜦𰻞"
    ),
}
"""Precomputed :func:`traditional_characters` tables, by (OpenCC version, config)."""


def _has_astral(text: str) -> bool:
    """Whether ``text`` holds a character beyond the BMP. Encoding to UTF-16 is a
    copy in C, five times quicker than a regex scan for ``[\U00010000-\U0010ffff]``;
    each such character takes two code units, every other one (a lone surrogate too) one.
    Cheaper still, without the copy, when :func:`_may_have_astral` rules it out."""
    return _may_have_astral(text) and len(text.encode("utf-16-le", "surrogatepass")) != 2 * len(text)


try:
    _UCS4_SIZE = sys.getsizeof(chr(0x10000)) - 4  # a fresh string: no cached UTF-8 copy counted
except TypeError:  # pragma: no cover - an implementation without object sizes
    _UCS4_SIZE = None


def _may_have_astral(text: str) -> bool:
    """False only when ``text`` surely holds no character beyond the BMP, in O(1):
    CPython keeps a string that has one at 4 bytes per character (PEP 393), so its
    size is at least ``_UCS4_SIZE + 4 * len``; a string of narrower characters is
    smaller unless cached copies (UTF-8) make it bigger, and then the exact test runs."""
    return _UCS4_SIZE is None or sys.getsizeof(text) >= _UCS4_SIZE + 4 * len(text)


def _char_class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


class Script(Filter):
    name = "script"
    summary = "convert Traditional Chinese to Simplified with OpenCC when the text is Traditional"
    options = (
        Option("mode", str, "auto", "auto: convert a text whose Han characters are mostly Traditional; always; never", choices=("auto", "always", "never")),
        Option("opencc_config", str, "t2s", "the OpenCC conversion used", choices=TO_SIMPLIFIED),
        Option(
            "threshold",
            float,
            0.1,
            "in auto mode, the share of Traditional-only characters among the Han characters from which a text is converted",
            minimum=0.0,
            maximum=1.0,
        ),
        Option("audit", str, "run", "how a conversion is reported: one edit per run of changed characters, or per changed line", choices=("run", "line")),
    )

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.mode: str = self.config["mode"]
        self.opencc_config: str = self.config["opencc_config"]
        self.threshold: float = self.config["threshold"]
        self.audit: str = self.config["audit"]
        self._converter: Any = None
        self._traditional: tuple[re.Pattern[str], re.Pattern[str] | None] | None = None

    # -- lazily built pieces ---------------------------------------------------

    @property
    def converter(self) -> Any:
        if self._converter is None:
            import opencc

            self._converter = opencc.OpenCC(self.opencc_config)
        return self._converter

    @property
    def traditional(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        """Patterns of the Traditional-only characters: those of the BMP, and those
        beyond it (or None). A class of BMP characters alone scans ~150x faster."""
        if self._traditional is None:
            chars = traditional_characters(self.opencc_config)
            bmp = frozenset(c for c in chars if ord(c) <= 0xFFFF)
            astral = chars - bmp
            self._traditional = (re.compile(_char_class(bmp)), re.compile(_char_class(astral)) if astral else None)
        return self._traditional

    # -- judging -----------------------------------------------------------------

    def traditional_share(self, text: str) -> float:
        """Share of Traditional-only characters among the Han characters of ``text``."""
        # Counted a block at a time: in a Traditional text a third of the characters
        # match, and a list of every match would cost many times the text.
        bmp, astral = self.traditional
        blocks = range(0, len(text), _COUNT_BLOCK)
        trad = sum([len(bmp.findall(text, i, i + _COUNT_BLOCK)) for i in blocks])
        if astral is not None and _has_astral(text):
            trad += sum([len(astral.findall(text, i, i + _COUNT_BLOCK)) for i in blocks])
        if not trad:
            return 0.0
        han = sum([sum(map(len, _HAN_RUN.findall(text, i, i + _COUNT_BLOCK))) for i in blocks])
        return trad / han if han else 0.0

    def apply(self, text: str, report: Report) -> str:
        if self.mode == "never" or text.isascii():
            return text
        if self.mode == "auto":
            share = self.traditional_share(text)
            if share < self.threshold:
                if share >= self.threshold / 2:
                    report.warn(
                        f"the text is partly Traditional Chinese ({share:.0%} of its Han characters are Traditional-only, "
                        f"below the {self.threshold:.0%} that converts it) and was left as it is"
                    )
                return text
        # Converting is line by line in effect (no dictionary phrase holds a line
        # break): a huge text goes a block of lines at a time, so that its edits (one
        # in every few characters of a Traditional text) never all sit in memory.
        return in_line_blocks(self._convert, text, report, block=CONVERT_BLOCK)

    def _convert(self, text: str, report: Report) -> str:
        converted = self.converter.convert(text)
        if converted == text:
            return text
        # The edits are read off the two texts, and the converted text is the result:
        # rebuilding it from tens of thousands of edits would only make it again.
        report.add(self._edits(text, converted))
        return converted

    # -- reporting ---------------------------------------------------------------

    def _edits(self, old: str, new: str) -> list[RawEdit]:
        by_run = self.audit == "run"
        if by_run and len(old) == len(new):
            # Most conversions keep every line's length: the runs of the whole text at
            # once, kept when none holds a line break (every break in its place).
            edits = _runs(old, new, 0)
            if "\n" not in "".join(map(itemgetter(2), edits)) and "\n" not in "".join(map(itemgetter(3), edits)):
                return edits
        old_lines = old.split("\n")
        new_lines = new.split("\n")
        if len(old_lines) != len(new_lines):  # (OpenCC keeps line breaks; a converter that did not)
            return [(0, len(old), old, new)]
        edits = []
        pos = 0
        for a, b in zip(old_lines, new_lines):
            if a != b:
                if by_run and len(a) == len(b):
                    edits.extend(_runs(a, b, pos))
                else:
                    edits.append((pos, pos + len(a), a, b))
            pos += len(a) + 1
        return edits


_DIFFERENT = re.compile(b"[^\x00]+")
_SPAN = re.Match.span


CONVERT_BLOCK = 1 << 18
"""Characters converted at a time (in whole lines): a Traditional text has an edit
every five or six characters, so a block's edits are about 20 MB."""

_BLOCK = 1 << 20
"""Characters compared at a time: the comparison's working copies (about six times the
block) stay small whatever the size of the text."""


def _runs(a: str, b: str, offset: int) -> list[RawEdit]:
    """Runs of differing characters of two strings of the same length, as edits."""
    if len(a) <= _BLOCK:
        mask = _difference(a, b)
    else:
        mask = b"".join([_difference(a[i : i + _BLOCK], b[i : i + _BLOCK]) for i in range(0, len(a), _BLOCK)])
    return [(offset + s, offset + e, a[s:e], b[s:e]) for s, e in map(_SPAN, _DIFFERENT.finditer(mask))]


def _difference(a: str, b: str) -> bytes:
    """A byte per position of two strings of one length, 0 where they agree: the XOR of
    their UTF-32 code units, each folded to one byte (a code point fits in three). All
    in C, a few nanoseconds a character; no Python step per character."""
    x = int.from_bytes(a.encode("utf-32-le", "surrogatepass"), "little") ^ int.from_bytes(b.encode("utf-32-le", "surrogatepass"), "little")
    units = x.to_bytes(4 * len(a), "little")
    folded = int.from_bytes(units[0::4], "little") | int.from_bytes(units[1::4], "little") | int.from_bytes(units[2::4], "little")
    return folded.to_bytes(len(a), "little")
