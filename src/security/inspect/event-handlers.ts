/**
 * HTML and SVG event-handler attribute names (HTML Living Standard "GlobalEventHandlers",
 * "WindowEventHandlers", "DocumentAndElementEventHandlers", plus SVG/SMIL and legacy browser
 * handlers still used in payloads). A value that is nothing but one of these names is a scanner
 * asking which handlers a filter lets through; inside markup, a listed name followed by `=` is a
 * handler even where the generic `on…=` shape is too broad to trust (outside a tag).
 */
const names = `
abort afterprint afterscriptexecute animationcancel animationend animationiteration animationstart
auxclick beforecopy beforecut beforeinput beforematch beforepaste beforeprint beforescriptexecute
beforetoggle beforeunload begin blur bounce cancel canplay canplaythrough change click close
contextlost contextmenu contextrestored copy cuechange cut dblclick drag dragend dragenter dragexit
dragleave dragover dragstart drop durationchange emptied end ended error finish focus focusin
focusout formchange formdata forminput fullscreenchange fullscreenerror gotpointercapture
hashchange help input invalid keydown keypress keyup languagechange load loadeddata
loadedmetadata loadend loadstart lostpointercapture message messageerror mousedown mouseenter
mouseleave mousemove mouseout mouseover mouseup mousewheel mozfullscreenchange offline online
orientationchange pagehide pagereveal pageshow pageswap paste pause play playing pointercancel
pointerdown pointerenter pointerleave pointermove pointerout pointerover pointerrawupdate
pointerup popstate progress propertychange ratechange readystatechange rejectionhandled repeat
reset resize scroll scrollend search securitypolicyviolation seeked seeking select
selectionchange selectstart show slotchange stalled start storage submit suspend timeupdate
toggle touchcancel touchend touchmove touchstart transitioncancel transitionend transitionrun
transitionstart unhandledrejection unload volumechange waiting webkitanimationend
webkitanimationiteration webkitanimationstart webkittransitionend wheel filterchange
activate beforeactivate beforedeactivate deactivate losecapture move moveend movestart
controlselect datasetchanged dataavailable errorupdate layoutcomplete rowenter rowexit
rowsdelete rowsinserted timeerror zoom
`;

export const eventHandlerNames: ReadonlySet<string> = new Set(names.split(/\s+/).filter(Boolean).map((name) => `on${name}`));
